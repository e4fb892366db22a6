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

/**
 * The services bound to a scope, each built on first use: a command uses one
 * or two of them, and building a service makes a closure per method,
 * which on the `pay` path cost more than the command's own statements. A
 * class, so every command's services share one prototype (a fresh object
 * used as a prototype, or spread getters, cost V8 far more).
 */
export class BoundServices implements Services {
  #ledger?: LedgerService;
  #setup?: SetupService;
  #board?: BoardService;
  #lapse?: LapseService;
  #robots?: RobotsService;
  #official?: OfficialService;
  readonly #scope: ServiceScope;

  constructor(scope: ServiceScope) {
    this.#scope = scope;
  }
  get ledger(): LedgerService {
    return (this.#ledger ??= createLedgerService(this.#scope));
  }
  get setup(): SetupService {
    return (this.#setup ??= createSetupService(this.#scope));
  }
  get board(): BoardService {
    return (this.#board ??= createBoardService(this.#scope));
  }
  get lapse(): LapseService {
    return (this.#lapse ??= createLapseService(this.#scope));
  }
  get robots(): RobotsService {
    return (this.#robots ??= createRobotsService(this.#scope));
  }
  get official(): OfficialService {
    return (this.#official ??= createOfficialService(this.#scope));
  }
}
