/** The services a command is handed, bound to its transaction. */
import { createBoardService, type BoardService } from './board.ts';
import { createLapseService, type LapseService } from './lapse.ts';
import { createLedgerService, type LedgerService } from './ledger.ts';
import type { ServiceScope } from './scope.ts';
import { createSetupService, type SetupService } from './setup.ts';
import { createRobotsService, type RobotsService } from './robots.ts';
import { createOfficialService, type OfficialService } from './official.ts';

/** Every service, bound to one command's scope. */
export interface Services {
  ledger: LedgerService;
  setup: SetupService;
  board: BoardService;
  lapse: LapseService;
  robots: RobotsService;
  official: OfficialService;
}

export function createServices(scope: ServiceScope): Services {
  return {
    ledger: createLedgerService(scope),
    setup: createSetupService(scope),
    board: createBoardService(scope),
    lapse: createLapseService(scope),
    robots: createRobotsService(scope),
    official: createOfficialService(scope),
  };
}
