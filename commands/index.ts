/**
 * The static command registry: every command, in the order `help` lists them.
 * Validated on load by `validateCommands`.
 */
import type { AnyCommand } from '../src/core/command.ts';
import pay from './pay.ts';
import undo from './undo.ts';
import voidEntry from './void.ts';
import board from './board.ts';
import progress from './progress.ts';
import help from './help.ts';
import campaign from './campaign.ts';
import township from './township.ts';
import target from './target.ts';
import bind from './bind.ts';
import grant from './grant.ts';
import lapse from './lapse.ts';
import revoke from './revoke.ts';
import unbind from './unbind.ts';
import who from './who.ts';
import robot from './robot.ts';
import cadre from './cadre.ts';
import assign from './assign.ts';
import total from './total.ts';
import official from './official.ts';

export const commands: readonly AnyCommand[] = [pay, total, undo, voidEntry, board, progress, help, campaign, township, target, bind, unbind, grant, revoke, who, lapse, assign, cadre, robot, official];
