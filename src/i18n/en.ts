/** The English catalogue: same keys and parameters as the Chinese reference. */
import type { Catalogue } from './zh-cn.ts';

/** `10000` → `10,000`: every count and sum a reply shows is grouped by thousands. */
const num = (x: number) => String(x).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** `1 person`, `12 people` (the figure as given: a number, grouped here, or a formatted string). */
const persons = (x: string | number) => `${typeof x === 'number' ? num(x) : x} ${String(x) === '1' ? 'person' : 'people'}`;

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
  peopleTooMany: (p) => `At most ${persons(p.max)} in one entry; log larger batches in parts.`,
  amountNegative: () => `The amount cannot be negative. To correct a mistake, use undo.`,
  amountFormat: (p) =>
    `"${p.token}" is not an amount: write 4800, 4800元, 4,800, ¥4800, 0.48万 or 四千八百元. To log at the standard premium with a note, put the note in quotes: "cash".`,
  amountPrecision: (p) => `"${p.token}" has too many decimals: yuan go to fen (two decimals), 万 to six.`,
  amountTooLarge: (p) => `"${p.token}" is too large an amount; check the unit.`,
  amountOverPremium: (p) =>
    `${p.amount} yuan is more than the full premium for ${persons(p.people)} (${p.max} yuan); check the amount and its unit (万/元).`,
  integerInvalid: (p) => `"${p.token}" is not a positive whole number.`,
  dateInvalid: (p) => `"${p.token}" is not a date: write YYYY-MM-DD, such as 2026-12-31.`,
  entryInvalid: (p) => `"${p.token}" is not an entry reference: write #12 or 12.`,
  userInvalid: (p) => `"${p.token}" is not a user; mention them.`,
  choiceInvalid: (p) => `"${p.token}" is not one of: ${p.choices}.`,
  areaUnknown: (p) => `"${p.name}" was not found. Send board to see every township's name.`,
  areaAmbiguous: (p) => `"${p.name}" matches several; write one of: ${p.options}.`,
  areaNotTownship: (p) => `"${p.name}" is not a township or village, so payments cannot be logged to it.`,
  noTownshipHere: (p) =>
    `This channel is not bound to a township. Name one: pay 12 4800 in ${p.example}, or ask an admin to send bind <township> in the township's channel.`,
  payRecorded: (p) =>
    `Recorded ${p.ref}: ${p.area} ${persons(p.people)}, ${p.amount} yuan${p.defaulted ? ' (at the standard premium)' : ''}${p.note ? `, note "${p.note}"` : ''}.\n` +
    `${p.area} now ${p.totalPeople}/${p.target} people, ${p.rate} complete, ${p.todayPeople} today, ${p.totalAmount} yuan collected.`,
  campaignClosed: (p) =>
    `The campaign is not open now (${p.start} to ${p.deadline}), so nothing can be logged. An admin can change the dates with campaign.`,
  undone: (p) =>
    `Undid ${p.reversed} (reversal ${p.ref}): ${p.area} -${persons(p.people)}, -${p.amount} yuan. ${p.area} now ${persons(p.totalPeople)}, ${p.rate} complete.`,
  nothingToUndo: () => `Nothing to undo: you have logged no payment here yet.`,
  undoOnlySameDay: (p) => `${p.ref} was not logged today; undo works on the same day only. An admin can use void ${p.ref} <reason>.`,
  voided: (p) =>
    `Voided ${p.reversed} (reversal ${p.ref}, reason: ${p.reason}): ${p.area} -${persons(p.people)}, -${p.amount} yuan.`,
  entryUnknown: (p) => `There is no entry ${p.ref}.`,
  entryAlreadyReversed: (p) => `${p.ref} was already reversed by ${p.by}.`,
  entryIsReversal: (p) => `${p.ref} is itself a reversal and cannot be voided; log the payment again instead.`,
  boardColumns: () => ['Rank', 'Name', 'Enrolled/Target', 'Rate', 'Today', 'Collected (10k yuan)'],
  boardTotal: (p) =>
    `${p.area} total: ${p.enrolled}/${p.target} people, ${p.rate} complete, ${p.today} today, ${p.amount} (10k yuan) collected.`,
  boardDeadline: (p) =>
    p.daysLeft > 0
      ? `${p.daysLeft === 1 ? '1 day' : `${num(p.daysLeft)} days`} left to the deadline (${p.deadline}); about ${persons(p.pace)} a day still needed.`
      : `The campaign closed on ${p.deadline}.`,
  boardTop: (p) => `Top three: ${p.names}`,
  boardBottom: (p) => `Bottom three: ${p.names}`,
  boardEmpty: (p) => `${p.area} has no townships yet. An admin can add one with township add <name> target <n>.`,
  progressText: (p) =>
    `${p.area}: ${p.enrolled}/${p.target} people, ${p.rate} complete, ${p.today} today, ${p.amount} yuan collected, ${p.rank}.`,
  progressRank: (p) => `rank ${p.rank} of ${p.of} in ${p.parent}`,
  progressNoRank: () => `not ranked`,
  villagesColumns: (p) => [p.kind, 'Enrolled/Target', 'Rate', 'Today'],
  helpIntro: () => `Commands (on Slack and Discord, after /enroll):`,
  helpDetail: (p) => `${p.usage}\n${p.summary}\nAliases: ${p.aliases}\nWho: ${p.who}`,
  helpFooter: (p) => `Send help <command> for details, such as help ${p.example}.`,
  who: (p) =>
    ({
      anyone: 'anyone',
      coordinator: "the township's coordinators, admins",
      caseworker: 'coordinators, cadres (their own people), admins',
      staff: 'coordinators, cadres (their own people), leaders (counts only), admins',
      admin: 'admins',
    })[p.permission],
  townshipAdded: (p) => `Added ${p.kind} "${p.name}" under ${p.parent}${p.target ? `, target ${persons(p.target)}` : ''}.`,
  areaExists: (p) => `${p.parent} already has "${p.name}".`,
  areaNameInvalid: () => `A name cannot be empty or start with a digit or #.`,
  kindName: (p) => ({ city: 'city', district: 'district', township: 'township', village: 'village' })[p.kind],
  targetSet: (p) => `Set the target of ${p.area} to ${persons(p.target)} (was ${p.previous}).`,
  boundLeaders: (p) => `This channel is now the leaders' channel of ${p.area}; the daily board is posted here.`,
  boundTownship: (p) => `This channel is now ${p.area}'s work channel; payments logged here go to ${p.area}.`,
  granted: (p) => `${p.user} is now ${p.role}.`,
  alreadyGranted: (p) => `${p.user} is already ${p.role}.`,
  roleName: (p) =>
    ({ admin: 'an admin', leader: `a leader of ${p.area}`, coordinator: `a coordinator of ${p.area}`, cadre: `a cadre (包户干部) of ${p.area}` })[p.role],
  campaignShow: (p) =>
    `Current campaign: ${p.name}\nPeriod: ${p.start} to ${p.deadline} (${p.daysLeft > 1 ? `${num(p.daysLeft)} days left` : p.daysLeft === 1 ? '1 day left' : 'closed'})\nStandard premium: ${p.premium} yuan a person\nTime zone: ${p.zone}`,
  campaignUpdated: (p) => `Changed the ${p.field} to ${p.value}.`,
  campaignField: (p) => ({ name: 'name', start: 'start date', deadline: 'deadline', premium: 'standard premium', floor: 'lowest amount a person', zone: 'time zone' })[p.field],
  campaignDatesOrder: (p) => `The start ${p.start} cannot be after the deadline ${p.deadline}.`,
  premiumZero: () => `The standard premium must be more than 0: write the premium per person in yuan, such as campaign premium 400.`,
  nameInvalid: () => `The name cannot be empty.`,
  // --- board ---
  boardLiveTitle: (p) => `${p.demo ? '[DEMO DATA] ' : ''}${p.area} enrollment progress (live, as of ${p.month}-${p.day} ${p.time})`,
  boardPostTitle: (p) =>
    `${p.demo ? '[DEMO DATA] ' : ''}No. ${p.seq}: ${p.area} enrollment progress (as of ${p.month}-${p.day} ${p.time})${p.late ? ' [late]' : ''}`,
  boardChangeColumn: () => 'Change',
  boardNewEntry: () => 'new',
  boardChangeSince: (p) => `Rank changes against No. ${p.seq} (${p.month}-${p.day} ${p.time}).`,
  boardPosted: (p) => `Posted ${p.posts} to ${num(p.channels)} channel(s); delivery follows shortly.`,
  boardPostedItem: (p) => `${p.area} No. ${p.seq}`,
  boardAlreadyPosted: (p) => `The board for this minute (${p.time}) was posted already; nothing was posted twice.`,
  boardNoLeaders: () => `There is no leaders' channel yet. Send bind leaders in the leaders' channel first.`,
  chartTitle: (p) => `${p.area}: completion by unit (as of ${p.month}-${p.day} ${p.time})`,
  chartTarget: () => `target 100%`,
  chartAreaRate: (p) => `${p.area} overall ${p.rate}`,
  chartAlt: (p) => `Bar chart of completion by unit in ${p.area}`,
  // --- lapse ---
  importSummary: (p) =>
    `${({ roster: 'Roster', contributions: 'Contributions', special: 'Special groups', unpaid: 'Named unpaid residents' })[p.kind]} (${p.format}): ${num(p.read)} rows read, ${num(p.taken)} taken (${num(p.written)} new or changed), ${num(p.refused)} refused.`,
  importReason: (p) =>
    ({
      id_empty: 'the ID number is empty',
      id_number_format: 'the ID number was stored as a number (like 1.10105E+17); make the column text and export again',
      id_format: 'the ID number is not 17 digits and a digit or X',
      id_birth_date: 'the birth date inside the ID number does not exist',
      id_check_digit: 'the ID number check digit is wrong (GB 11643)',
      id_duplicate: 'the same ID number appears more than once in the file',
      name_missing: 'the name is empty',
      township_missing: 'the township is empty',
      township_unknown: 'no such township (add it with township add, same name)',
      township_ambiguous: 'several townships have this name',
      kind_invalid: 'the kind must be 单位 (employer) or 灵活就业 (flexible)',
      phone_invalid: 'the phone number is not valid',
      month_invalid: 'the month is not valid (write 2025-10, 202510 or 2025年10月)',
      amount_invalid: 'the amount is not valid (yuan above 0, at most two decimals)',
      amount_negative: 'the amount cannot be negative',
      status_invalid: 'the insured status must be 在职 (active), 退休 (retired), 灵活就业 (flexible), 转居民医保 (resident), 已在外地参保 (elsewhere) or 死亡 (deceased)',
      supported_invalid: 'the 帮扶对象 column must be 是 or 否 (or 1/0, Y/N)',
      category_missing: 'the group category is empty (such as 特困, 低保, 脱贫人口, 监测对象)',
      paid_invalid: 'the paid status must be 已参保/已缴费 (paid) or 未参保/未缴费 (unpaid)',
    })[p.reason],
  importReasonLine: (p) => `  · ${p.reason}: ${num(p.count)} rows, e.g. ${p.where}`,
  importCellRef: (p) => `line ${p.line} column ${p.column}`,
  importMissingColumns: (p) => `The header lacks required columns: ${p.columns}.`,
  importUnreadable: (p) => `The file is not valid ${p.encoding} near line ${p.line} and cannot be read.`,
  importCasesClosed: (p) => `${num(p.count)} lapse cases closed by the new contributions.`,
  importCommitted: () => `Imported in full.`,
  importNothingWritten: () => `The file has errors, so none of it was imported and the database is unchanged. Correct it and import again.`,
  lapseStageName: (p) =>
    p.stage <= 2
      ? `lapsed ${p.months} mo (can back-pay)`
      : p.stage === 3
        ? `lapsed ${p.months} mo (can back-pay, last month)`
        : `past the back-pay window (not retroactive${p.wait > 0 ? '; a waiting period may apply' : ''})`,
  lapseMonths: (p) => `${p.months} mo`,
  lapseColumns: () => ['Case', 'Name', 'ID', 'Phone', 'Lapsed', 'Since', 'Stage', 'Cadre'],
  lapseCounts: (p) => {
    const within = [
      p.backPay > 1 ? `1 month ${num(p.s1)}` : '',
      p.backPay > 2 ? `${p.backPay === 3 ? '2 months' : `2–${p.backPay - 1} months`} ${num(p.s2)}` : '',
      `month ${p.backPay} (the last to back-pay) ${num(p.s3)}`,
    ].filter(Boolean);
    return `${num(p.total)} open lapses: can still back-pay: ${within.join(', ')}; past the back-pay window (over ${p.backPay} months: back-pay is not retroactive${p.wait > 0 ? '; a waiting period may apply' : ''}) ${num(p.s4)}.`;
  },
  lapseListTitle: (p) => `${p.area}: open lapses`,
  lapseListEmpty: (p) => `${p.area} has no open lapses.`,
  lapseMore: (p) => `${num(p.more)} more not listed.`,
  lapseHowTo: () =>
    `Record a follow-up: lapse done L12 paid (paid/promised/refused/moved/unreachable/resident/retired/deceased/elsewhere). The assigned cadre gets the full phone by direct message: lapse call L12.`,
  lapseNoTownship: (p) => `This channel is not bound to a township. Use the township's channel, or name it: lapse in ${p.example}.`,
  townshipPlaceholder: () => `<township>`,
  lapseNotCoordinator: (p) => `You are not a coordinator of ${p.township}, so you cannot see or work its lapses.`,
  lapseCaseInvalid: (p) => `"${p.token}" is not a lapse case: write L12.`,
  lapseCaseUnknown: (p) => `There is no lapse case ${p.ref}.`,
  lapseCaseClosed: (p) => `Lapse case ${p.ref} is closed; no follow-up needed.`,
  lapseOutcomeName: (p) => p.outcome,
  lapseFollowupRecorded: (p) =>
    `Recorded a follow-up on ${p.ref} (${p.name}): ${p.outcome}.${p.closed ? ' Case closed.' : p.paused ? ' No reminders until the next scan.' : ''}`,
  lapseMonthInvalid: (p) => `"${p.token}" is not a month: write YYYY-MM, such as 2026-10.`,
  lapseScanDone: (p) =>
    `Lapse screening for ${p.month} done: ${num(p.opened)} opened, ${num(p.updated)} updated, ${num(p.closed)} closed by contributions, ${num(p.open)} open; ${num(p.posts)} reminders queued.`,
  lapseDigestTitle: (p) => `${p.area}: ${p.weekly ? 'weekly ' : ''}lapsed contributions reminder (${p.month})`,
  lapseCadreTitle: (p) => `${p.name}: lapses you are responsible for (${p.month})`,
  lapseEscalationTitle: (p) => `[Escalation] ${p.area}: lapses to act on (${p.month})`,
  lapseEscalationText: (p) => `${num(p.count)} lapse cases need attention: in their last back-pay month, or no follow-up for ${p.days} days.`,
  lapseEscalationColumns: () => ['Township', 'To act on', 'Last back-pay month', 'Leaders'],
  lapseActionLabel: (p) => `${p.ref} ${p.outcome}`,
  // --- postgres ---
  entryReversedMeanwhile: (p) => `${p.ref} was reversed by someone else just now; nothing was changed.`,
  shuttingDown: () => `The bot is restarting and did not handle this message; please send it again shortly.`,
  importStopped: (p) => `The file could not be read to the end (${p.detail}), so none of it was imported and the database is unchanged.`,
  // --- import targets ---
  importTargetsSummary: (p) =>
    `Targets (${p.format}): ${num(p.read)} rows read, ${num(p.created)} created, ${num(p.updated)} updated, ${num(p.unchanged)} unchanged, ${num(p.refused)} refused.`,
  importTargetReason: (p) =>
    ({
      township_name_invalid: 'the township name cannot contain spaces, start with a digit or #, or be a command word such as in, target, under',
      township_repeated: 'the same township appears more than once in the file (one row each; name the parent for same-named townships under different parents)',
      township_several: 'several areas have this name: add a 上级/parent column saying which',
      parent_unknown: 'no such parent (an existing district or township, or a name from an earlier row of this file)',
      parent_ambiguous: 'several areas have the parent\'s name',
      parent_village: 'the parent is a village, which cannot have areas under it',
      target_missing: 'the target is empty (write the people, e.g. 28000)',
      target_invalid: 'the target is not valid (a whole number of people, 0 or more, e.g. 28000, 28,000 or 28000人)',
    })[p.reason],
  // --- polish ---
  list: (p) => p.items.join(', '),
  notStandalone: (p) => `"${p.word}" does not work on its own; write it after its command: ${p.usage}. Send help to see every command.`,
  unknownSubcommand: (p) => `${p.command} has no subcommand "${p.word}". Send help ${p.command} for its usage.`,
  campaignUnchanged: (p) => `The ${p.field} is already ${p.value}; nothing was changed.`,
  yuan: (p) => `${p.amount} yuan`,
  importColumnRef: (p) => `${p.letter} (${p.header})`,
  ledgerUndoReason: () => `undo`,
  consoleBanner: (p) => `enrollbot console — ${p.user} @ ${p.channel}. Send help for the commands, :quit to leave.`,
  consoleUsage: (p) => `Usage: ${p.usage} (now ${p.user} @ ${p.channel})`,
  consoleUserUsage: () => `:user <name>`,
  consoleChannelUsage: () => `:channel <name>`,
  consoleUnknownControl: (p) => `There is no control ":${p.control}". Controls: :user <name> (speak as someone), :channel <name> (speak in a channel), :quit.`,
  boardUnassigned: (p) => `Besides, ${persons(p.enrolled)} (${p.today} today) were logged for ${p.area} itself, under none of the areas above.`,
  childKindColumn: (p) => ({ city: 'City', district: 'District', township: 'Township', village: 'Village' })[p.kind],
  consoleHealth: (p) => `(health check: http://127.0.0.1:${p.port}/healthz)`,
  // --- exact input: pay ---
  keywordTwice: (p) => `"${p.keyword}" may be written only once: an entry goes to one area.`,
  amountZero: () => `The amount cannot be 0. Log nothing if nothing was collected; leave the amount out to log the standard premium.`,
  amountForeign: (p) => `"${p.token}" is not an amount in yuan: write 4800, 4800元 or 0.48万.`,
  amountAbbreviated: (p) => `"${p.token}" leaves out its last unit and could be read two ways: write it in full (四千八百元) or in digits (4800).`,
  amountIsArea: (p) => `"${p.token}" is an area, not an amount. To log to it write in ${p.token}; if it is a note, put it in quotes: "${p.token}".`,
  noteTooLong: (p) => `The note is too long (${p.length} characters); at most ${p.max}.`,
  noteStartsWithNumber: (p) =>
    `The note "${p.note}" starts with a number or an amount, so it may be part of the amount: write the amount without spaces (4800 or 4,800); if it is a note, put it in quotes: "${p.note}".`,
  unitApart: (p) => `"${p.unit}" is a unit: write it right after its number, without a space (12人, 4800元).`,
  noteStartsWithUnit: (p) =>
    `"${p.unit}" is a unit: write it right after its number (4800元, 12人), without a space; if "${p.note}" is a note, put it in quotes: "${p.note}".`,
  noteStartsWithArea: (p) =>
    `The note "${p.note}" starts with the area "${p.area}": to log to it write in ${p.area}; if it is a note, put it in quotes: "${p.note}".`,
  amountBelowFloor: (p) =>
    `${p.amount} yuan is below the lowest amount for ${persons(p.people)} (${p.min} yuan, ${p.floor} yuan a person), likely a 万/元 slip${p.wan ? `: for ${p.amount}万 yuan write ${p.amount}万` : ''}. Check the amount and its unit.`,
  pastTwiceTarget: (p) =>
    `This would take ${p.area} to ${p.after} people, more than twice its target of ${p.target}; the count is likely wrong, so nothing was logged. Check it, or ask an admin.`,
  pastTwiceTargetWarning: (p) => `Note: ${p.area} now has ${p.after} people, more than twice its target of ${p.target}; please check.`,
  campaignFloorLine: (p) => `Lowest amount a person: ${p.floor} yuan${p.defaulted ? ' (by default a tenth of the premium)' : ''}`,
  floorOverPremium: (p) => `The lowest amount a person (${p.floor} yuan) cannot be more than the premium (${p.premium} yuan).`,
  // --- access lifecycle ---
  needStaff: () => `Only a coordinator, a leader or an admin can do that. Ask an admin to grant you a role.`,
  privateLabel: () => `[only you can see this]`,
  peopleListElsewhere: (p) => `Lists of people of ${p.area} are not shown here. Ask in ${p.area}'s channel (${p.channels}), or send the bot a direct message.`,
  peopleListNoChannel: (p) =>
    `Lists of people of ${p.area} are not shown here. ${p.area} has no bound channel yet: send the bot a direct message, or ask an admin to send bind in ${p.area}'s channel.`,
  revoked: (p) => `${p.user} is no longer ${p.role}.`,
  revokedConfigAdmin: (p) => `Note: ${p.user} is listed in ENROLLBOT_ADMINS and will be an admin again at the next start; remove them there too.`,
  notGranted: (p) => `${p.user} is not ${p.role}; nothing changed. ${p.held ? `Their roles: ${p.held}.` : 'They hold no role.'}`,
  lastAdmin: (p) => `${p.user} is the last admin and cannot be revoked. Grant another admin first.`,
  unbound: (p) =>
    (p.kind === 'leaders'
      ? `This channel is no longer the leaders' channel of ${p.area}: no daily board or escalations come here.`
      : `This channel is no longer the work channel of ${p.area}: no lapse reminders come here, and a payment logged here must name its township.`) +
    (p.cancelled ? ` ${p.cancelled} queued ${p.cancelled === 1 ? 'message was' : 'messages were'} cancelled.` : ''),
  notBound: () => `This channel is not bound; nothing to unbind.`,
  whoTitle: (p) => `Leaders and coordinators of ${p.area}`,
  whoColumns: () => ['Role', 'Name', 'Area'],
  whoRole: (p) => ({ leader: 'leader', coordinator: 'coordinator' })[p.role],
  whoEmpty: (p) => `${p.area} has no leaders or coordinators yet. An admin can add them with grant.`,
  whoMore: (p) => `${persons(p.more)} more not listed; ask about an area below.`,
  lapseLeaderTitle: (p) => `${p.area}: open lapses, counts`,
  lapseLeaderNote: () => `Leaders see counts; the lists of people are worked by township coordinators in their own channels.`,
  lapseAreaColumns: (p) => ['Township', 'Total', '1 month', p.backPay <= 3 ? '2 months' : `2–${p.backPay - 1} months`, `Month ${p.backPay} (last)`, `Over ${p.backPay}`],
  lapseNotLeaderOf: (p) => `You are not a leader of ${p.area}, so you cannot see its lapse counts.`,
  // --- hostile load ---
  buttonNotOurs: () => 'That button did not come from this bot, so nothing was run. Type the command instead, e.g. lapse done L12 paid.',
  controlCharacterInMessage: () => 'The message contains an invisible control character (such as NUL), so nothing was run. Type it again by hand instead of pasting it.',
  importXlsxTooLarge: (p) =>
    `This XLSX file unpacks to more than ${p.limitMb} MB (most likely a "zip bomb" or a damaged file), so none of it was imported and the database is unchanged. Save it as CSV in Excel and import that, or split it into several files.`,
  importXlsxTooManyStrings: (p) =>
    `This XLSX file holds more than ${p.limit} shared strings (most likely a "zip bomb" or a damaged file), so none of it was imported and the database is unchanged. Save it as CSV in Excel and import that, or split it into several files.`,
  importReaderOutOfMemory: (p) =>
    `Reading the file needed more than its ${p.mb} MB memory limit (a huge cell, or a CSV quote that is never closed), so none of it was imported and the database is unchanged. Check the file, or save it as CSV and import that.`,
  importReasonControl: () => 'contains a control character (such as NUL); remove it and export again',
  // --- exact input: ops ---
  lapseScanFuture: (p) =>
    `${p.month} has not come yet (it is ${p.current} now), so it cannot be screened. Write a month that is over and whose contributions are imported, such as lapse scan ${p.previous}.`,
  lapseScanNoContributions: () => `No contributions have been imported yet, so there is nothing to screen. Import them first: npm run cli -- import contributions <file>.`,
  lapseScanBeforeFirst: (p) =>
    `${p.month} is before the earliest imported contributions (${p.first}), so no lapse can be told. Write a month from ${p.first} to ${p.last}, such as lapse scan ${p.last}.`,
  lapseScanNotImported: (p) =>
    `The contributions of ${p.month} were not imported: screening it now would count everyone as lapsed, so nothing was changed. Import that month first (npm run cli -- import contributions <file>); the latest month imported is ${p.last}.`,
  lapseScanOlder: (p) =>
    `The latest scan screened ${p.latest}, after ${p.month}: an older month is not screened again and no reminders are resent; nothing was changed. To screen the latest data again and resend the reminders, send lapse scan ${p.latest}.`,
  needAuthorToUndo: () => `Only a township coordinator or an admin can undo entries (a coordinator their own, the same day). Ask an admin to grant you the role.`,
  needCoordinatorForLapse: () =>
    `Only a township coordinator, a cadre (their own people only) or an admin can see and work lapse cases (a leader can see their counts). Ask an admin to grant you the role.`,
  undoNotYours: (p) => `${p.ref} was logged by someone else; you can undo only your own entries. To void it, an admin sends void ${p.ref} <reason>.`,
  undoLatestReversed: (p) =>
    `Your latest entry ${p.ref} was already reversed by ${p.by}; nothing was undone.` +
    (p.older ? ` To undo an older one, name it: undo ${p.older}.` : ` You have no other entry here that is not reversed.`),
  targetInvalid: (p) => `"${p.token}" is not a target: write the people, a whole number from 0, such as 28000, 28,000 or 28000人.`,
  targetTooLarge: (p) => `The target "${p.token}" is too large (at most ${p.max} people); check for extra digits.`,
  bindVillage: (p) =>
    `"${p.name}" is a village; only a township gets a work channel. Send bind ${p.township} in ${p.township}'s channel and log the village's payments there, such as pay 12 in ${p.name}.`,
  bindNotTownship: (p) => `"${p.name}" is a ${p.kind}, not a township, so it cannot be a work channel. To make this its leaders' channel, send bind leaders ${p.name}.`,
  boardNoVillages: (p) =>
    `${p.area} has no villages yet; the figures above are ${p.area}'s own. An admin can add villages to list them here: township add 和平村 under ${p.area} target 500.`,
  helpOnlyYours: () => `Only the commands you may run are listed; the others need a role an admin grants (grant).`,
  importRefusedHeader: () => `Refused lines (correct them and import the whole file again):`,
  importRefusedLine: (p) => `  line ${p.line}: ${p.problems}`,
  importRefusedProblem: (p) => `column ${p.column}: ${p.reason}`,
  importProblemList: (p) => p.items.join('; '),
  importMoreRefused: (p) => `  … and ${num(p.more)} more refused lines, not listed one by one.`,
  // --- personal data at rest ---
  personalNumbersMasked: () => `(The ID, phone or bank card number in your message was masked: only the masked form is kept and shown. Please do not send full numbers in chat.)`,
  // --- group robots ---
  robotAppName: (p) => ({ wecom: 'WeCom', dingtalk: 'DingTalk', feishu: 'Feishu' })[p.app],
  robotPlace: (p) => (p.kind === 'leaders' ? `the leaders' group of ${p.area}` : `the work group of ${p.area}`),
  robotProblem: (p) =>
    ({
      key: 'the key or access_token in the URL is wrong (or the robot was deleted)',
      signature: "the signature is wrong: the signing secret is wrong, or this server's clock is off",
      keyword: "the message lacks the robot's custom keyword: set its security to signing instead",
      ip: "this server's IP is not in the robot's IP allowlist: set its security to signing instead",
      removed: 'the robot was removed from the group or disabled',
    })[p.problem],
  robotFailingNotice: (p) =>
    `Group robot ${p.ref} (${p.app}, ${p.place}) is refused: ${p.problem}. Its messages are paused, not lost; once it is fixed, send robot test ${p.ref} to resume, or robot remove ${p.ref} to delete it.`,
  robotQuotaNotice: (p) =>
    `Group robot ${p.ref} (${p.app}, ${p.place}) has used up its quota (DingTalk 90030): messages go out when the quota returns. Upgrade the DingTalk edition or use fewer robots.`,
  robotTestTitle: () => `enrollbot test message`,
  robotTestText: (p) => `This group is connected to enrollbot and will get the progress boards and reminders of ${p.place}.`,
  robotAdded: (p) =>
    `Added group robot ${p.ref}: ${p.app}, for ${p.place}, ${p.hint}${p.signed ? ', signed' : ''}. A test message is in the group; from now on what ${p.place} gets goes there too.`,
  robotUnsigned: (p) => `Note: this ${p.app} robot is not signed. Choose signing in the robot's security settings, then robot remove and robot add … secret <secret> again.`,
  robotTested: (p) => `Test message sent to the group of ${p.ref}.` + (p.released ? ` The robot works again: ${p.released} paused ${p.released === 1 ? 'message goes' : 'messages go'} out now.` : ''),
  robotRefused: (p) => `${p.app} refused the test message: ${p.problem}.${p.saved ? '' : ' Nothing was saved.'}`,
  robotBusy: (p) => `${p.app} says too many messages; try again in a minute.${p.saved ? '' : ' Nothing was saved.'}`,
  robotUnreachable: (p) => `The test message did not go out (${p.detail}): check the URL and this server's network.${p.saved ? '' : ' Nothing was saved.'}`,
  robotUrlInvalid: () => `That is not a URL: paste the group robot's webhook URL, starting with https://.`,
  robotNoSecret: (p) => `A ${p.app} group robot has no signing secret; leave out secret.`,
  robotDuplicate: (p) => `This robot was added before (${p.ref}).`,
  robotForInvalid: () => `Say where it goes: for leaders (the leaders' group, optionally an area) or for <township>.`,
  robotRefInvalid: (p) => `"${p.token}" is not a robot: write its number like R3 (see robot list).`,
  robotUnknown: (p) => `There is no group robot ${p.ref}. Send robot list to see them.`,
  robotRemoved: (p) => `Removed group robot ${p.ref}.` + (p.cancelled ? ` ${p.cancelled} queued ${p.cancelled === 1 ? 'message was' : 'messages were'} cancelled.` : ''),
  robotListTitle: () => `Group robots`,
  robotListColumns: () => ['Robot', 'App', 'For', 'URL', 'Signed', 'Status'],
  robotListEmpty: () => `No group robots yet. Add one: robot add wecom <webhook-url> for leaders`,
  robotSignedCell: (p) => (p.signed ? 'yes' : 'no'),
  robotStatusCell: (p) => (p.failing ? `paused: ${p.problem}` : 'ok'),
  robotNoKey: () => `There is no encryption key, so a robot's URL cannot be saved: set ENROLLBOT_PII_KEY (at least 32 characters) and restart.`,
  // --- one time zone ---
  campaignZoneInvalid: (p) =>
    `"${p.token}" is not a time zone name; nothing was changed. Write an IANA zone name, such as campaign zone Asia/Shanghai (Beijing time) or campaign zone Asia/Urumqi.`,
  campaignZoneMoved: (p) =>
    `In ${p.zone} today is ${p.today}. The daily board, the lapse scan and the nightly backup now run on this zone's clock (every replica follows within a minute).`,
  // --- scale-charts ---
  chartRest: (p) => `${p.count} more (#${p.from}–${p.to})`,
  chartOwn: (p) => `${p.area} overall`,
  // --- named-people ---
  lapseRulesNote: (p) =>
    `Back-paid within ${p.backPay} months, a lapse keeps cover continuous; later it can still be back-paid, but not retroactively` +
    (p.wait > 0 ? `, and the local waiting period (here up to ${p.wait} months) runs from when payment resumes.` : '.'),
  lapseRulesShow: (p) =>
    `Lapse rules: back-pay window ${p.backPay} months, waiting period ${p.wait > 0 ? `up to ${p.wait} months` : 'none'}.\nExplanation${p.custom ? ' (local)' : ' (default)'}: ${p.note}\n` +
    `Change: lapse rules backpay 3 / lapse rules wait 6 (0: none) / lapse rules note <text> / lapse rules note default`,
  lapseRulesSet: (p) => `The lapse rules' ${p.what} is now ${p.value}. Later scans and reminders follow it.`,
  lapseRulesWhat: (p) => ({ backpay: 'back-pay window', wait: 'waiting period', note: 'explanation' })[p.what],
  lapseRulesInvalid: (p) =>
    ({
      backpay: `Write the back-pay window as whole months from 1 to ${p.max}, such as lapse rules backpay 3.`,
      wait: `Write the waiting period as whole months from 0 to ${p.max} (0: none), such as lapse rules wait 6.`,
      note: `Write an explanation of 1 to ${p.max} characters, or default for the default one, such as lapse rules note Back-pay within 3 months keeps cover.`,
    })[p.what],
  lapseSupportedCount: (p) => `Of them ${num(p.count)} are 帮扶对象 (under support), listed first in each stage.`,
  lapseSupportedTitle: (p) => `${p.area}: open lapses of 帮扶对象`,
  lapseSupportedEmpty: (p) => `${p.area} has no open lapses of 帮扶对象.`,
  lapseSupportedMark: () => `[support] `,
  caseKindCell: (p) => (p.kind === 'special' ? `${p.category ?? 'special group'}: not enrolled` : 'unpaid (包户到人)'),
  namedCounts: (p) => `Named lists: ${num(p.special)} special-group people not enrolled, ${num(p.unpaid)} named unpaid residents.`,
  namedListTitle: (p) => `${p.area}: named unpaid people (special groups, 包户到人)`,
  namedListEmpty: (p) => `${p.area} has nobody unpaid on its special-group and 包户到人 lists.`,
  namedDigestTitle: (p) => `${p.area}: named unpaid people (${p.month})`,
  namedHowTo: () => `Closed by itself once the official figures show them paid; record a follow-up: lapse done L12 promised.`,
  cadreListTitle: (p) => `${p.name}: your people`,
  cadreListEmpty: (p) => `${p.name}, none of your people has an open lapse or unpaid entry.`,
  lapseNotYourCase: (p) => `${p.ref} is not assigned to you; you can only follow up your own people. Ask the township coordinator.`,
  lapseCallNotDirect: () => `A full phone number is only given in a direct message: send lapse call L12 to the bot directly. No number was shown here.`,
  lapseCallNotYours: (p) => `Only the cadre assigned to ${p.ref} or the township's coordinator can see the full phone number.`,
  lapseCallNoPhone: (p) => `${p.ref} has no phone number on its list.`,
  lapseCallLimit: (p) => `You have seen ${num(p.limit)} full phone numbers today, the daily limit. Try tomorrow, or ask an admin.`,
  lapseCallReveal: (p) => `${p.ref} ${p.name} (${p.area}) phone: ${p.phone}\nFor your call only; do not forward. This look-up was recorded.`,
  cadreLinked: (p) =>
    `Linked the cadre "${p.name}" of the lists to ${p.user}: ${num(p.people)} people; ${p.user} is now a cadre of ${p.townships}, gets their own list, can follow up and see phones by direct message.`,
  cadreLinkNone: (p) => `No one on the roster or the unpaid lists has "${p.name}" as their cadre. Write the name as the lists' 包户干部 column does.`,
  assigned: (p) => `${p.ref} is now assigned to ${p.user}; reminders about it go to ${p.user}.`,
  assignNeedsCadre: (p) => `${p.user} is not a cadre of ${p.township} yet: first send grant ${p.user} cadre ${p.township}.`,
  progressSpecial: (p) =>
    `Special groups (特困, 低保, 脱贫, 监测对象): ${p.paid} enrolled of ${p.due}, ${p.rate} (floor 100%${p.short ? `, ${p.short} short` : ', met'}).`,
  progressNamedLeft: (p) => `Named unpaid residents (包户到人) left: ${p.left}: ${p.holders}.`,
  progressHolder: (p) => `${p.name} ${p.count}`,
  progressUnassigned: () => `unassigned`,
  boardSpecialLine: (p) => `Special groups enrolled: ${p.paid}/${p.due}, ${p.rate} (floor 100%)${p.below ? `; below 100%: ${p.below}` : '; every township met it'}.`,
  boardSpecialItem: (p) => `${p.area} ${p.rate}`,
  namedImportClosed: (p) => `${num(p.opened)} unpaid people added; ${num(p.closed)} no longer on the unpaid list (paid or removed), their follow-ups closed.`,
  // --- slack-discord ---
  outboxImageLeftOut: () => `(The chart could not be attached: the bot is not in this channel. Invite it with /invite and the next post will carry it.)`,
  outboxDeadTitle: (p) => `${p.count === 1 ? '1 message' : `${p.count} messages`} failed too often and will not be retried`,
  outboxDeadItem: (p) => `#${p.id} (${p.platform}, ${p.what}): ${p.error || 'no reason given'}`,
  outboxDeadHint: () => `Once the cause is fixed (invite the bot to the channel, for instance), an admin lists them with npm run cli -- outbox and resends them with npm run cli -- outbox resend all.`,
  bindCannotJoin: (p) => `Note: the bot could not join this channel by itself (${p.reason}), so the board's chart cannot be posted here. Invite it with /invite @enrollbot.`,
  bindMissingPermissions: (p) => `Note: the bot lacks these permissions in this channel: ${p.permissions}. Grant them in the channel's settings, or the board cannot be posted here.`,
  shareInChannel: () => `Share in channel`,
  sharedBy: (p) => `Shared by ${p.user}`,
  followUpMarked: (p) => `✅ ${p.ref} recorded: ${p.outcome} (${p.user})`,
  followUpThread: (p) => `${p.user} recorded the follow-up of ${p.ref}: ${p.outcome}.`,
  payButton: (p) => `Log ${p.township}`,
  payModalTitle: () => `Log a collection`,
  payModalSubmit: () => `Log`,
  payModalCancel: () => `Cancel`,
  payModalTownship: () => `Township`,
  payModalPeople: () => `People`,
  payModalAmount: () => `Amount (yuan)`,
  payModalAmountHint: () => `Empty: people × the premium`,
  payModalNote: () => `Note`,
  payModalNoTownship: () => `Choose a township.`,
  payModalNoChannel: () => `Open this form from a township's channel: the confirmation is posted there.`,
  homeTitle: () => `Enrollment`,
  homeProgress: () => `Your township`,
  homeCases: () => `Open lapse cases`,
  homeBoard: () => `The board now`,
  homeNothing: () => `You hold no role yet. Ask an admin to grant you one; your township's progress and cases will show here.`,
  boardTableRest: (p) => `The table shows the first rows; the other ${p.count} are in the attached ${p.file}.`,
  // --- official ---
  boardGapColumn: () => 'Left',
  boardReconcileColumns: () => ['Reported', 'Official', 'Diff'],
  boardMarksColumn: () => 'Marks',
  boardMarkBehind: () => 'behind pace',
  boardMarkCheck: () => 'to check',
  boardTotalGap: (p) => ` ${p.gap} left to go.`,
  boardTotalReconciled: (p) => `Reported ${p.reported}, official ${p.official}, difference ${p.diff}.`,
  boardSourceOfficial: (p) => `Source: the medical-insurance information platform, as of ${p.month}-${p.day}`,
  boardSourceOfficialMissing: () => `Source: the information platform (nothing imported for the last two days: reported figures shown)`,
  boardSourceReported: () => `Source: reported by the townships`,
  boardTimeElapsed: (p) => `Time elapsed ${p.rate} (day ${p.elapsed} of ${p.days})`,
  boardBehindCount: (p) => `Behind the time elapsed (${p.rate}): ${num(p.count)} of ${num(p.of)}`,
  boardPraise: (p) => `Praised (at least ${p.points} points ahead of the time elapsed): ${p.names}`,
  boardCriticize: (p) => `Criticised (at the bottom and behind the time elapsed): ${p.names}`,
  boardCheckList: (p) => `To check (reported above the official figure): ${p.items}`,
  boardCheckItem: (p) => `${p.name} (reported ${p.reported}, official ${p.official}, difference ${p.diff})`,
  verifyWeeklyTitle: (p) => `${p.area}: units to check this week (official figures as of ${p.month}-${p.day})`,
  verifyWeeklyText: (p) => `These units report more people than the information platform counts, by more than ${p.margin} and ${persons(p.people)}; please check:\n${p.items}`,
  progressReconciled: (p) => `Reported ${p.reported}, official ${p.official} (as of ${p.asOf}), difference ${p.diff}${p.check ? ': to check' : ''}.`,
  progressBenchmark: (p) => `${p.gap} left to go; time elapsed ${p.time}${p.behind ? ', behind it' : ''}.`,
  progressSource: (p) => (p.official ? ` (ranked by the official figures)` : ` (ranked by the reported figures)`),
  importOfficialSummary: (p) =>
    `Official figures (${p.format}): ${num(p.read)} rows read, as of ${p.dates || '—'}; ${num(p.stored)} figures stored (${num(p.summed)} of them sums for the areas above), ` +
    `${num(p.unchanged)} the same as stored${p.skipped ? `, ${num(p.skipped)} total lines passed over` : ''}, ${num(p.refused)} refused.`,
  importOfficialSwitched: () => `The campaign's first official import: the board now ranks by the official figures (campaign source reported goes back).`,
  importOfficialReason: (p) =>
    ({
      area_unknown: 'no such area',
      area_ambiguous: 'several areas have this name: write its path',
      people_missing: 'the people paid is empty',
      people_invalid: 'the people paid is not valid (0 or a whole number, e.g. 1234)',
      as_of_invalid: 'the date is not valid (write 2026-12-01)',
      as_of_future: 'the date is after today',
      as_of_before_start: 'the date is before the campaign started',
      official_repeated: 'the same area and date appear more than once',
    })[p.reason],
  importAreaWritten: (p) => `${p.reason}: "${p.written}"${p.nearest ? `; nearest: ${p.nearest}` : ''}`,
  officialImportUsage: () => `In the console write the file's path: official import <file.csv|file.xlsx> [YYYY-MM-DD] (the date of rows without one; default today).`,
  officialImportNoFiles: (p) => `${p.platform} cannot hand files to the bot yet. Ask an admin to run on the server: npm run cli -- import official <file> [--as-of YYYY-MM-DD].`,
  officialImportFileMissing: (p) => `There is no file "${p.file}", or it is not a .csv or .xlsx file.`,
  officialImportNothingNew: () => `The file says exactly what was imported before: nothing changed.`,
  sourceOfficialOnly: () =>
    `This campaign's progress comes from the information platform's import (source: official): there is nothing to log or report. If the official figures are wrong, ask an admin.`,
  sourceOfficialAdminNote: () => `Note: the board ranks by the official figures; this changes only the reported ones.`,
  totalRecorded: (p) =>
    `Reported ${p.ref}: ${p.area} now ${p.total} people (${p.people}, ${p.amount} yuan), completion ${p.rate}, collected ${p.totalAmount} yuan${p.note ? `, note "${p.note}"` : ''}.`,
  totalUnchanged: (p) => `${p.area} is already at ${p.total} people with the same amount: nothing recorded.`,
  totalBelowZero: () => `A cumulative total cannot be below 0. Write the township's total of people paid so far, such as total 1200.`,
  totalAmountBelowZero: (p) => `That total would leave the amount collected at ${p.amount} yuan (below 0). Write the cumulative amount, such as total 1200 48万.`,
  campaignSourceShow: (p) =>
    `Figures: ${p.source === 'official' ? 'the information platform (official)' : 'reported by the townships'}${p.chosen ? '' : ' (default: official after the first official import)'}`,
  campaignSourceSet: (p) =>
    p.source === 'official' ? `The board now ranks by the official figures; coordinators' pay and total are told so.` : `The board now ranks by the reported figures.`,
  campaignSourceUnchanged: (p) => `The figures already come from ${p.source === 'official' ? 'the official import' : 'the townships’ reports'}; nothing was changed.`,
  campaignMarginShow: (p) => `To check: reported above official by more than ${p.margin} and ${persons(p.people)}`,
  campaignMarginSet: (p) => `Set: a report above the official figure by more than ${p.margin} and ${persons(p.people)} is marked to check.`,
  campaignMarginInvalid: (p) => `"${p.token}" is not a percentage: write e.g. campaign margin 2% 50 (more than 2 % and 50 people).`,
  campaignPraiseShow: (p) => (p.points === null ? `Praise: none` : `Praise: at least ${p.points} points ahead of the time elapsed`),
  campaignPraiseSet: (p) => (p.points === null ? `The board lists no praise now.` : `Set: units at least ${p.points} points ahead of the time elapsed are praised.`),
  campaignCriticizeShow: (p) => (p.bottom === null ? `Criticism: none` : `Criticism: of the last ${p.bottom}, those behind the time elapsed`),
  campaignCriticizeSet: (p) => (p.bottom === null ? `The board lists no criticism now.` : `Set: of the last ${p.bottom}, those behind the time elapsed are criticised.`),
  thresholdInvalid: (p) => `"${p.token}" is not valid: write a whole number, or off.`,
  chartTimeElapsed: (p) => `time elapsed ${p.rate}`,
  entryIsTotal: (p) => `${p.ref} is the difference a reported total (total) made and cannot be reversed: send total <the right cumulative figure> to correct it.`,
};
