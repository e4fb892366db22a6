/** The English catalogue: same keys and parameters as the Chinese reference. */
import type { Catalogue } from './zh-cn.ts';

export const en: Catalogue = {
  unknownCommand: (p) => `There is no command "${p.word}". Send help to see every command.`,
  emptyCommand: () => `Type a command, for example pay 12 4800. Send help to see every command.`,
  usageLine: (p) => `Usage: ${p.usage}`,
  seeHelp: (p) => `See help ${p.command}.`,
  internalError: (p) =>
    `Something went wrong and nothing was recorded. Please try again; if it keeps failing, give the admin this reference: ${p.ref}.`,
  duplicate: () => `(This message was already handled; nothing was recorded twice.)`,
  needAdmin: () => `Only an admin can do that.`,
  needCoordinator: () => `Only a township coordinator or an admin can log payments. Ask an admin to grant you the role.`,
  needLeaderOrAdmin: () => `Only a leader or an admin can do that.`,
  notCoordinatorOf: (p) =>
    `You are not a coordinator of ${p.township}, so you cannot log for it. Log in your own township's channel, or ask an admin for the role.`,
  argMissing: (p) => `The ${p.arg} is missing.`,
  extraWords: (p) => `Unexpected words: "${p.words}".`,
  peopleInvalid: (p) => `"${p.token}" is not a number of people: write a positive whole number, such as 12 or 12人.`,
  peopleZero: () => `The number of people cannot be 0: write how many paid, such as 12.`,
  peopleNegative: () => `The number of people cannot be negative. To correct a mistake, use undo.`,
  peopleTooMany: (p) => `At most ${p.max} people in one entry; log larger batches in parts.`,
  amountNegative: () => `The amount cannot be negative. To correct a mistake, use undo.`,
  amountFormat: (p) => `"${p.token}" is not an amount: write 4800, 4800元, 4,800, ¥4800 or 0.48万.`,
  amountPrecision: (p) => `"${p.token}" has too many decimals: yuan go to fen (two decimals), 万 to six.`,
  amountTooLarge: (p) => `"${p.token}" is too large an amount; check the unit.`,
  amountOverPremium: (p) =>
    `${p.amount} yuan is more than the full premium for ${p.people} people (${p.max} yuan); check the amount and its unit (万/元).`,
  integerInvalid: (p) => `"${p.token}" is not a positive whole number.`,
  dateInvalid: (p) => `"${p.token}" is not a date: write YYYY-MM-DD, such as 2026-12-31.`,
  entryInvalid: (p) => `"${p.token}" is not an entry reference: write #12 or 12.`,
  userInvalid: (p) => `"${p.token}" is not a user; mention them.`,
  choiceInvalid: (p) => `"${p.token}" is not one of: ${p.choices}.`,
  areaUnknown: (p) => `"${p.name}" was not found. Send board to see every township's name.`,
  areaAmbiguous: (p) => `"${p.name}" matches several: ${p.options}. Write the full name.`,
  areaNotTownship: (p) => `"${p.name}" is not a township or village, so payments cannot be logged to it.`,
  noTownshipHere: () =>
    `This channel is not bound to a township. Name one: pay 12 4800 in 城南街道, or ask an admin to send bind <township> in the township's channel.`,
  payRecorded: (p) =>
    `Recorded ${p.ref}: ${p.area} ${p.people} people, ${p.amount} yuan${p.defaulted ? ' (at the standard premium)' : ''}.\n` +
    `${p.area} now ${p.totalPeople}/${p.target} people, ${p.rate} complete, +${p.todayPeople} today, ${p.totalAmount} yuan collected.`,
  campaignClosed: (p) =>
    `The campaign is not open now (${p.start} to ${p.deadline}), so nothing can be logged. An admin can change the dates with campaign.`,
  undone: (p) =>
    `Undid ${p.reversed} (reversal ${p.ref}): ${p.area} -${p.people} people, -${p.amount} yuan. ${p.area} now ${p.totalPeople} people, ${p.rate} complete.`,
  nothingToUndo: () => `Nothing to undo: you have logged nothing here yet, or it is all undone already.`,
  undoOnlySameDay: (p) => `${p.ref} was not logged today; undo works on the same day only. An admin can use void ${p.ref} <reason>.`,
  voided: (p) =>
    `Voided ${p.reversed} (reversal ${p.ref}, reason: ${p.reason}): ${p.area} -${p.people} people, -${p.amount} yuan.`,
  entryUnknown: (p) => `There is no entry ${p.ref}.`,
  entryAlreadyReversed: (p) => `${p.ref} was already reversed by ${p.by}.`,
  entryIsReversal: (p) => `${p.ref} is itself a reversal and cannot be voided; log the payment again instead.`,
  boardTitle: (p) => `${p.demo ? '[DEMO DATA] ' : ''}${p.area} enrollment progress (as of ${p.date} ${p.time})`,
  boardColumns: () => ['Rank', 'Name', 'Enrolled/Target', 'Rate', 'Today', 'Collected (万元)'],
  boardTotal: (p) =>
    `${p.area} total: ${p.enrolled}/${p.target} people, ${p.rate} complete, +${p.today} today, ${p.amount} 万元 collected.`,
  boardDeadline: (p) =>
    p.daysLeft > 0
      ? `${p.daysLeft} days left to the deadline (${p.deadline}); about ${p.pace} people a day still needed.`
      : `The campaign closed on ${p.deadline}.`,
  boardTop: (p) => `Top three: ${p.names}`,
  boardBottom: (p) => `Bottom three: ${p.names}`,
  boardEmpty: (p) => `${p.area} has no townships yet. An admin can add one with township add <name> target <n>.`,
  progressText: (p) =>
    `${p.area}: ${p.enrolled}/${p.target} people, ${p.rate} complete, +${p.today} today, ${p.amount} yuan collected, ${p.rank}.`,
  progressRank: (p) => `rank ${p.rank} of ${p.of} in ${p.parent}`,
  progressNoRank: () => `not ranked`,
  villagesColumns: () => ['Village', 'Enrolled/Target', 'Rate', 'Today'],
  helpIntro: () => `Commands (on Slack and Discord, after /enroll):`,
  helpDetail: (p) => `${p.usage}\n${p.summary}\nAliases: ${p.aliases}\nWho: ${p.who}`,
  helpFooter: () => `Send help <command> for details, such as help pay.`,
  who: (p) =>
    ({
      anyone: 'anyone',
      coordinator: "the township's coordinators, admins",
      admin: 'admins',
      author: 'the author (same day), admins',
    })[p.permission],
  townshipAdded: (p) => `Added ${p.kind} "${p.name}" under ${p.parent}${p.target ? `, target ${p.target} people` : ''}.`,
  areaExists: (p) => `${p.parent} already has "${p.name}".`,
  areaNameInvalid: () => `A name cannot be empty or start with a digit or #.`,
  kindName: (p) => ({ city: 'city', district: 'district', township: 'township', village: 'village' })[p.kind],
  targetSet: (p) => `Set the target of ${p.area} to ${p.target} people (was ${p.previous}).`,
  boundLeaders: (p) => `This channel is now the leaders' channel of ${p.area}; the daily board is posted here.`,
  boundTownship: (p) => `This channel is now ${p.area}'s work channel; payments logged here go to ${p.area}.`,
  granted: (p) => `${p.user} is now ${p.role}.`,
  alreadyGranted: (p) => `${p.user} is already ${p.role}.`,
  roleName: (p) => ({ admin: 'an admin', leader: `a leader of ${p.area}`, coordinator: `a coordinator of ${p.area}` })[p.role],
  campaignShow: (p) =>
    `Current campaign: ${p.name}\nPeriod: ${p.start} to ${p.deadline} (${p.daysLeft} days left)\nStandard premium: ${p.premium} yuan a person\nTime zone: ${p.zone}`,
  campaignUpdated: (p) => `Changed the ${p.field} to ${p.value}.`,
  campaignField: (p) => ({ name: 'name', start: 'start date', deadline: 'deadline', premium: 'standard premium' })[p.field],
  campaignDatesOrder: (p) => `The start ${p.start} cannot be after the deadline ${p.deadline}.`,
  premiumZero: () => `The standard premium must be more than 0.`,
  nameInvalid: () => `The name cannot be empty.`,
  // --- postgres ---
  entryReversedMeanwhile: (p) => `${p.ref} was reversed by someone else just now; nothing was changed.`,
  shuttingDown: () => `The bot is restarting and did not handle this message; please send it again shortly.`,
};
