/**
 * The Simplified Chinese catalogue: the reference. `en.ts` must provide the
 * same keys with the same parameters (the compiler checks it).
 */
import type { OfficialRefusalReason, RefusalReason, TargetRefusalReason } from '../domain/import-reasons.ts';

/** `10000` → `10,000`: every count and sum a reply shows is grouped by thousands. */
const num = (x: number) => String(x).replace(/\B(?=(\d{3})+(?!\d))/g, ',');

export const zhCN = {
  // General
  unknownCommand: (p: { word: string }) => `没有“${p.word}”这个命令。发送 help（帮助）查看全部命令。`,
  emptyCommand: () => `请输入命令，例如 pay 12 4800。发送 help（帮助）查看全部命令。`,
  usageLine: (p: { usage: string }) => `用法：${p.usage}`,
  seeHelp: (p: { command: string }) => `详见 help ${p.command}。`,
  internalError: (p: { ref: string }) => `处理时出错，未记录任何内容。请稍后再试；如仍出错，请把编号 ${p.ref} 告诉管理员。`,
  duplicate: () => `（这条消息已处理过，未重复记录。）`,
  // Permissions
  needAdmin: () => `只有管理员可以这样做。`,
  needCoordinator: () => `只有乡镇联络员或管理员可以登记缴费。请管理员用 grant 授权。`,
  needLeaderOrAdmin: () => `只有领导或管理员可以这样做。`,
  notCoordinatorOf: (p: { township: string }) => `你不是${p.township}的联络员，不能为它登记。请在本乡镇的群里登记，或请管理员授权。`,
  // Arguments
  argMissing: (p: { arg: string }) => `缺少${p.arg}。`,
  extraWords: (p: { words: string }) => `多余的内容：“${p.words}”。`,
  peopleInvalid: (p: { token: string }) => `人数“${p.token}”不对：请写正整数，如 12 或 12人。`,
  peopleZero: () => `人数不能为 0：请写缴费人数，如 12 或 12人。`,
  peopleNegative: () => `人数不能为负数。登记错了请用 undo（撤销）冲正。`,
  peopleTooMany: (p: { max: string }) => `一次最多登记 ${p.max} 人，请分批登记。`,
  amountNegative: () => `金额不能为负数。登记错了请用 undo（撤销）冲正。`,
  amountFormat: (p: { token: string }) =>
    `金额“${p.token}”看不懂：请写 4800、4800元、4,800、¥4800、0.48万 或 四千八百元。不写金额（按标准保费计）而要加备注，请给备注加引号，如 “现金”。`,
  amountPrecision: (p: { token: string }) => `金额“${p.token}”小数位太多：元最多到分（两位小数），万元最多六位小数。`,
  amountTooLarge: (p: { token: string }) => `金额“${p.token}”太大，请检查单位。`,
  amountOverPremium: (p: { amount: string; people: number; max: string }) =>
    `金额 ${p.amount}元 超过 ${num(p.people)} 人的全额保费 ${p.max}元，请检查金额和单位（万/元）。`,
  integerInvalid: (p: { token: string }) => `“${p.token}”不是正整数。`,
  dateInvalid: (p: { token: string }) => `日期“${p.token}”不对：请写 YYYY-MM-DD，如 2026-12-31。`,
  entryInvalid: (p: { token: string }) => `“${p.token}”不是记录编号：请写 #12 或 12。`,
  userInvalid: (p: { token: string }) => `“${p.token}”不是一个用户，请 @提及 该用户。`,
  choiceInvalid: (p: { token: string; choices: string }) => `“${p.token}”不对，可选：${p.choices}。`,
  // Areas
  areaUnknown: (p: { name: string }) => `没有找到“${p.name}”。发送 board（排行）可看全部乡镇名称。`,
  areaAmbiguous: (p: { name: string; options: string }) => `“${p.name}”有多个，请写其中一种：${p.options}。`,
  areaNotTownship: (p: { name: string }) => `“${p.name}”不是乡镇或村（社区），不能登记缴费。`,
  noTownshipHere: (p: { example: string }) => `本频道没有绑定乡镇，请注明乡镇：pay 12 4800 in ${p.example}，或请管理员在乡镇群里发送 bind 乡镇名。`,
  // pay / undo / void
  payRecorded: (p: {
    ref: string;
    area: string;
    people: number;
    amount: string;
    totalPeople: string;
    target: string;
    rate: string;
    todayPeople: string;
    totalAmount: string;
    defaulted: boolean;
    note: string | null;
  }) =>
    `已登记 ${p.ref}：${p.area} ${num(p.people)}人，${p.amount}元${p.defaulted ? '（按标准保费计）' : ''}${p.note ? `，备注“${p.note}”` : ''}。\n` +
    `${p.area}累计 ${p.totalPeople}/${p.target}人，完成率 ${p.rate}，今日 ${p.todayPeople}人，累计收缴 ${p.totalAmount}元。`,
  campaignClosed: (p: { start: string; deadline: string }) =>
    `现在不在征缴期内（${p.start} 至 ${p.deadline}），不能登记。如需调整，请管理员用 campaign 修改日期。`,
  undone: (p: { ref: string; reversed: string; area: string; people: number; amount: string; totalPeople: string; rate: string }) =>
    `已撤销 ${p.reversed}（冲正记录 ${p.ref}）：${p.area} -${num(p.people)}人，-${p.amount}元。${p.area}累计 ${p.totalPeople}人，完成率 ${p.rate}。`,
  nothingToUndo: () => `没有可撤销的记录：你在这里还没有登记过缴费。`,
  undoOnlySameDay: (p: { ref: string }) => `${p.ref} 不是今天登记的，只能当天撤销。请管理员用 void ${p.ref} 原因 作废。`,
  voided: (p: { ref: string; reversed: string; area: string; people: number; amount: string; reason: string }) =>
    `已作废 ${p.reversed}（冲正记录 ${p.ref}，原因：${p.reason}）：${p.area} -${num(p.people)}人，-${p.amount}元。`,
  entryUnknown: (p: { ref: string }) => `没有记录 ${p.ref}。`,
  entryAlreadyReversed: (p: { ref: string; by: string }) => `${p.ref} 已经被 ${p.by} 冲正过了。`,
  entryIsReversal: (p: { ref: string }) => `${p.ref} 本身是冲正记录，不能再作废；如需恢复，请重新登记。`,
  // board / progress
  boardColumns: () => ['排名', '名称', '已缴/任务(人)', '完成率', '今日新增', '收缴(万元)'],
  boardTotal: (p: { area: string; enrolled: string; target: string; rate: string; today: string; amount: string }) =>
    `${p.area}合计：${p.enrolled}/${p.target}人，完成率 ${p.rate}，今日新增 ${p.today}人，收缴 ${p.amount}万元。`,
  boardDeadline: (p: { daysLeft: number; deadline: string; pace: string }) =>
    p.daysLeft > 0 ? `距截止（${p.deadline}）还有 ${p.daysLeft} 天，每天还需约 ${p.pace} 人。` : `征缴已于 ${p.deadline} 截止。`,
  boardTop: (p: { names: string }) => `前三名：${p.names}`,
  boardBottom: (p: { names: string }) => `后三名：${p.names}`,
  boardEmpty: (p: { area: string }) => `${p.area}下还没有乡镇。管理员可用 township add 名称 target 人数 添加。`,
  progressText: (p: {
    area: string;
    enrolled: string;
    target: string;
    rate: string;
    today: string;
    amount: string;
    rank: string;
  }) => `${p.area}：已缴 ${p.enrolled}/${p.target}人，完成率 ${p.rate}，今日新增 ${p.today}人，累计收缴 ${p.amount}元，${p.rank}。`,
  progressRank: (p: { rank: number; of: number; parent: string }) => `在${p.parent}排第 ${p.rank}/${p.of} 名`,
  progressNoRank: () => `暂无排名`,
  villagesColumns: (p: { kind: string }) => [p.kind, '已缴/任务(人)', '完成率', '今日新增'],
  // help
  helpIntro: () => `可用命令（在 Slack / Discord 上前面加 /enroll）：`,
  helpDetail: (p: { usage: string; summary: string; aliases: string; who: string }) =>
    `${p.usage}\n${p.summary}\n别名：${p.aliases}\n谁可以用：${p.who}`,
  helpFooter: (p: { example: string }) => `发送 help 命令名 查看详细用法，如 help ${p.example}。`,
  who: (p: { permission: 'anyone' | 'coordinator' | 'caseworker' | 'staff' | 'admin' }) =>
    ({
      anyone: '所有人',
      coordinator: '本乡镇联络员、管理员',
      caseworker: '联络员、包户干部（自己负责的人）、管理员',
      staff: '联络员、包户干部（自己负责的人）、领导（只看人数）、管理员',
      admin: '管理员',
    })[p.permission],
  // setup
  townshipAdded: (p: { name: string; parent: string; kind: string; target: string }) =>
    `已在${p.parent}下添加${p.kind}“${p.name}”${p.target ? `，任务 ${p.target}人` : ''}。`,
  areaExists: (p: { name: string; parent: string }) => `${p.parent}下已有“${p.name}”。`,
  areaNameInvalid: () => `名称不能为空，也不能以数字或 # 开头。`,
  kindName: (p: { kind: 'city' | 'district' | 'township' | 'village' }) =>
    ({ city: '市', district: '区县', township: '乡镇', village: '村（社区）' })[p.kind],
  targetSet: (p: { area: string; target: string; previous: string }) =>
    `已把${p.area}的任务数设为 ${p.target}人（原为 ${p.previous}）。`,
  boundLeaders: (p: { area: string }) => `本频道已绑定为${p.area}的领导群，每日通报会发到这里。`,
  boundTownship: (p: { area: string }) => `本频道已绑定为${p.area}的工作群，在这里登记的缴费默认记入${p.area}。`,
  granted: (p: { user: string; role: string }) => `已授予 ${p.user} ${p.role}。`,
  alreadyGranted: (p: { user: string; role: string }) => `${p.user} 已经是${p.role}。`,
  roleName: (p: { role: 'admin' | 'leader' | 'coordinator' | 'cadre'; area: string }) =>
    ({ admin: '管理员', leader: `${p.area}领导`, coordinator: `${p.area}联络员`, cadre: `${p.area}包户干部` })[p.role],
  campaignShow: (p: { name: string; start: string; deadline: string; premium: string; zone: string; daysLeft: number }) =>
    `当前征缴：${p.name}\n征缴期：${p.start} 至 ${p.deadline}（${p.daysLeft > 0 ? `剩余 ${num(p.daysLeft)} 天` : '已截止'}）\n标准保费：${p.premium}元/人\n时区：${p.zone}`,
  campaignUpdated: (p: { field: string; value: string }) => `已把${p.field}改为 ${p.value}。`,
  campaignField: (p: { field: 'name' | 'start' | 'deadline' | 'premium' | 'floor' | 'zone' }) =>
    ({ name: '征缴名称', start: '开始日期', deadline: '截止日期', premium: '标准保费', floor: '每人最低金额', zone: '时区' })[p.field],
  campaignDatesOrder: (p: { start: string; deadline: string }) => `开始日期 ${p.start} 不能晚于截止日期 ${p.deadline}。`,
  premiumZero: () => `标准保费必须大于 0：请写每人保费（元），如 campaign premium 400。`,
  nameInvalid: () => `名称不能为空。`,
  // --- board ---
  boardLiveTitle: (p: { area: string; month: string; day: string; time: string; demo: boolean }) =>
    `${p.demo ? '【演示数据】' : ''}${p.area}城乡居民医保征缴进度（实时，截至 ${p.month}月${p.day}日 ${p.time}）`,
  boardPostTitle: (p: { seq: number; area: string; month: string; day: string; time: string; late: boolean; demo: boolean }) =>
    `${p.demo ? '【演示数据】' : ''}第${p.seq}期 ${p.area}城乡居民医保征缴进度通报（截至 ${p.month}月${p.day}日 ${p.time}）${p.late ? '【迟发】' : ''}`,
  boardChangeColumn: () => '较上期',
  boardNewEntry: () => '新',
  boardChangeSince: (p: { seq: number; month: string; day: string; time: string }) =>
    `排名变化对比第${p.seq}期（${p.month}月${p.day}日 ${p.time}）。`,
  boardPosted: (p: { posts: string; channels: number }) => `已发布 ${p.posts}，共 ${num(p.channels)} 个频道，稍后送达。`,
  boardPostedItem: (p: { area: string; seq: number }) => `${p.area}第${p.seq}期`,
  boardAlreadyPosted: (p: { time: string }) => `本分钟（${p.time}）的通报已经发布过，未重复发布。`,
  boardNoLeaders: () => `还没有领导群。请在领导群里发送 bind leaders 绑定后再发布。`,
  chartTitle: (p: { area: string; month: string; day: string; time: string }) => `${p.area}各单位完成率（截至 ${p.month}月${p.day}日 ${p.time}）`,
  chartTarget: () => `目标 100%`,
  chartAreaRate: (p: { area: string; rate: string }) => `${p.area}合计 ${p.rate}`,
  chartAlt: (p: { area: string }) => `${p.area}各单位完成率柱状图`,
  // --- lapse ---
  importSummary: (p: { kind: 'roster' | 'contributions' | 'special' | 'unpaid'; format: string; read: number; taken: number; written: number; refused: number }) =>
    `${({ roster: '花名册', contributions: '缴费记录', special: '特殊人群名单', unpaid: '包户到人未缴名单' })[p.kind]}（${p.format}）：读取 ${num(p.read)} 行，接收 ${num(p.taken)} 行（新增或变更 ${num(p.written)} 行），拒收 ${num(p.refused)} 行。`,
  importReason: (p: {
    reason: RefusalReason;
  }) =>
    ({
      id_empty: '身份证号为空',
      id_number_format: '身份证号被存成了数字（如 1.10105E+17），请把该列设为文本后重新导出',
      id_format: '身份证号格式不对（应为 17 位数字加 1 位数字或 X）',
      id_birth_date: '身份证号中的出生日期不存在',
      id_check_digit: '身份证号校验位不对（GB 11643）',
      id_duplicate: '同一身份证号在文件中出现多次',
      name_missing: '姓名为空',
      township_missing: '乡镇为空',
      township_unknown: '没有这个乡镇（请先用 township add 添加，名称须一致）',
      township_ambiguous: '乡镇名称重名，无法确定',
      kind_invalid: '参保类型应为“单位”或“灵活就业”',
      phone_invalid: '电话号码不对',
      month_invalid: '缴费月份不对（应写 2025-10、202510 或 2025年10月）',
      amount_invalid: '金额不对（应为大于 0 的元数，最多两位小数）',
      amount_negative: '金额不能为负数',
      status_invalid: '参保状态应为 在职、退休、灵活就业、转居民医保、已在外地参保 或 死亡',
      supported_invalid: '帮扶对象应写 是 或 否（也可写 1/0、Y/N）',
      category_missing: '人群类别为空（如 特困、低保、脱贫人口、监测对象）',
      paid_invalid: '参保状态应写 已参保/已缴费 或 未参保/未缴费',
    })[p.reason],
  importReasonLine: (p: { reason: string; count: number; where: string }) => `  · ${p.reason}：${num(p.count)} 行，如 ${p.where}`,
  importCellRef: (p: { line: number; column: string }) => `第 ${p.line} 行 ${p.column}列`,
  importMissingColumns: (p: { columns: string }) => `表头缺少必需的列：${p.columns}。`,
  importUnreadable: (p: { encoding: string; line: number }) => `文件在第 ${p.line} 行附近不是有效的 ${p.encoding} 编码，无法读取。`,
  importCasesClosed: (p: { count: number }) => `${num(p.count)} 件断缴已因补缴自动结案。`,
  importCommitted: () => `已全部导入。`,
  importNothingWritten: () => `文件有误，整份未导入，数据库没有任何改动。请改正后重新导入。`,
  lapseStageName: (p: { stage: number; months: number; wait: number }): string =>
    p.stage <= 2
      ? `断缴${p.months}个月（可补缴）`
      : p.stage === 3
        ? `断缴${p.months}个月（可补缴，最后一个月）`
        : `已过补缴期限（补缴不追溯${p.wait > 0 ? '，可能有等待期' : ''}）`,
  lapseMonths: (p: { months: number }) => `${p.months}个月`,
  lapseColumns: () => ['编号', '姓名', '身份证号', '电话', '断缴', '自', '阶段', '网格员'],
  lapseCounts: (p: { total: number; s1: number; s2: number; s3: number; s4: number; backPay: number; wait: number }) => {
    const within = [
      p.backPay > 1 ? `断缴1个月 ${num(p.s1)} 人` : '',
      p.backPay > 2 ? `${p.backPay === 3 ? '2个月' : `2至${p.backPay - 1}个月`} ${num(p.s2)} 人` : '',
      `第${p.backPay}个月（最后补缴月）${num(p.s3)} 人`,
    ].filter(Boolean);
    return `未结断缴 ${num(p.total)} 人：可补缴的 ${within.join('，')}；已过补缴期限（超过${p.backPay}个月，补缴不追溯${p.wait > 0 ? '，可能有等待期' : ''}）${num(p.s4)} 人。`;
  },
  lapseListTitle: (p: { area: string }) => `${p.area} 未结断缴`,
  lapseListEmpty: (p: { area: string }) => `${p.area}没有未结的断缴。`,
  lapseMore: (p: { more: number }) => `另有 ${num(p.more)} 件未列出。`,
  lapseHowTo: () =>
    `记录跟进：lapse done L12 paid（已缴/承诺/拒绝/迁出/联系不上/转居民医保/退休/死亡/已在外地参保）。负责的网格员要完整电话：私信机器人 lapse call L12。`,
  lapseNoTownship: (p: { example: string }) => `本频道没有绑定乡镇。请在乡镇群里发送，或注明乡镇：lapse in ${p.example}。`,
  townshipPlaceholder: () => `<乡镇>`,
  lapseNotCoordinator: (p: { township: string }) => `你不是${p.township}的联络员，不能查看或处理它的断缴。`,
  lapseCaseInvalid: (p: { token: string }) => `“${p.token}”不是断缴编号：请写 L12。`,
  lapseCaseUnknown: (p: { ref: string }) => `没有断缴 ${p.ref}。`,
  lapseCaseClosed: (p: { ref: string }) => `断缴 ${p.ref} 已结案，无需再跟进。`,
  lapseOutcomeName: (p: {
    outcome: 'paid' | 'promised' | 'refused' | 'moved' | 'unreachable' | 'resident' | 'retired' | 'deceased' | 'elsewhere';
  }) =>
    ({
      paid: '已缴',
      promised: '承诺',
      refused: '拒绝',
      moved: '迁出',
      unreachable: '联系不上',
      resident: '转居民医保',
      retired: '退休',
      deceased: '死亡',
      elsewhere: '已在外地参保',
    })[p.outcome],
  lapseFollowupRecorded: (p: { ref: string; name: string; outcome: string; paused: boolean; closed: boolean }) =>
    `已记录 ${p.ref}（${p.name}）跟进：${p.outcome}。${p.closed ? '已结案。' : p.paused ? '下次筛查前不再提醒。' : ''}`,
  lapseMonthInvalid: (p: { token: string }) => `月份“${p.token}”不对：请写 YYYY-MM，如 2026-10。`,
  lapseScanDone: (p: { month: string; opened: number; updated: number; closed: number; open: number; posts: number }) =>
    `${p.month} 断缴筛查完成：新增 ${num(p.opened)} 件，更新 ${num(p.updated)} 件，因补缴结案 ${num(p.closed)} 件，现有未结 ${num(p.open)} 件；已排队发送 ${num(p.posts)} 条提醒。`,
  lapseDigestTitle: (p: { area: string; month: string; weekly: boolean }) => `${p.area} 职工医保断缴${p.weekly ? '周' : ''}提醒（${p.month}）`,
  lapseCadreTitle: (p: { name: string; month: string }) => `${p.name}：你负责的断缴人员（${p.month}）`,
  lapseEscalationTitle: (p: { area: string; month: string }) => `【督办】${p.area} 断缴待处理（${p.month}）`,
  lapseEscalationText: (p: { count: number; days: number }) =>
    `${num(p.count)} 件断缴需要督办：已到第3个月（最后补缴月）或超过 ${p.days} 天未跟进。`,
  lapseEscalationColumns: () => ['乡镇', '需督办(人)', '其中最后补缴月', '负责领导'],
  lapseActionLabel: (p: { ref: string; outcome: string }) => `${p.ref} ${p.outcome}`,
  // --- postgres ---
  entryReversedMeanwhile: (p: { ref: string }) => `${p.ref} 刚刚已被他人冲正，本次未做改动。`,
  shuttingDown: () => `机器人正在重启，这条消息没有处理，请稍后重发。`,
  importStopped: (p: { detail: string }) => `文件没能读完（${p.detail}），整份未导入，数据库没有任何改动。`,
  // --- import targets ---
  importTargetsSummary: (p: { format: string; read: number; created: number; updated: number; unchanged: number; refused: number }) =>
    `任务数（${p.format}）：读取 ${num(p.read)} 行，新建 ${num(p.created)} 个，更新 ${num(p.updated)} 个，未变 ${num(p.unchanged)} 个，拒收 ${num(p.refused)} 行。`,
  importTargetReason: (p: { reason: TargetRefusalReason }) =>
    ({
      township_name_invalid: '乡镇名称不能含空格，不能以数字或 # 开头，也不能是 in、target、under 等命令用词',
      township_repeated: '同一乡镇在文件中出现多次（每个乡镇只写一行；不同上级下的同名乡镇请写明上级）',
      township_several: '有多个同名地区，请加“上级”列写明属于哪个',
      parent_unknown: '没有这个上级（应为已有的区、乡镇，或本文件更前面几行里的名称）',
      parent_ambiguous: '上级名称重名，无法确定',
      parent_village: '上级是村（社区），村下不能再设地区',
      target_missing: '目标为空（请写任务人数，如 28000）',
      target_invalid: '目标不对（应为不小于 0 的整数人数，如 28000、28,000 或 28000人）',
    })[p.reason],
  // --- polish ---
  list: (p: { items: readonly string[] }) => p.items.join('、'),
  notStandalone: (p: { word: string; usage: string }) => `“${p.word}”不能单独使用，要跟在命令后面：${p.usage}。发送 help（帮助）查看全部命令。`,
  unknownSubcommand: (p: { word: string; command: string }) => `${p.command} 没有“${p.word}”这个子命令。发送 help ${p.command} 查看用法。`,
  campaignUnchanged: (p: { field: string; value: string }) => `${p.field}已经是 ${p.value}，未作改动。`,
  yuan: (p: { amount: string }) => `${p.amount}元`,
  importColumnRef: (p: { letter: string; header: string }) => `${p.letter}（${p.header}）`,
  ledgerUndoReason: () => `撤销`,
  consoleBanner: (p: { user: string; channel: string }) => `enrollbot 控制台 — ${p.user} @ ${p.channel}。发送 help 查看命令，:quit 退出。`,
  consoleUsage: (p: { usage: string; user: string; channel: string }) => `用法：${p.usage}（现在是 ${p.user} @ ${p.channel}）`,
  consoleUserUsage: () => `:user <名字>`,
  consoleChannelUsage: () => `:channel <频道名>`,
  consoleUnknownControl: (p: { control: string }) =>
    `没有“:${p.control}”这个控制命令。可用：:user <名字>（换用户）、:channel <频道名>（换频道）、:quit（退出）。`,
  // --- board: what is logged to an area itself, and its children's kind ---
  boardUnassigned: (p: { area: string; enrolled: string; today: string }) => `另有 ${p.enrolled}人（今日 ${p.today}人）直接登记在${p.area}，未分到下级。`,
  childKindColumn: (p: { kind: 'city' | 'district' | 'township' | 'village' }) =>
    ({ city: '市', district: '区（县）', township: '乡镇（街道）', village: '村（社区）' })[p.kind],
  consoleHealth: (p: { port: number }) => `（健康检查：http://127.0.0.1:${p.port}/healthz）`,
  // --- exact input: pay ---
  keywordTwice: (p: { keyword: string }) => `“${p.keyword}”只能写一次：一条记录只记入一个地区。`,
  amountZero: () => `金额不能为 0。没有收到钱就不用登记；按标准保费登记时不写金额即可。`,
  amountForeign: (p: { token: string }) => `“${p.token}”不是人民币金额：请写元，如 4800、4800元 或 0.48万。`,
  amountAbbreviated: (p: { token: string }) => `金额“${p.token}”省略了末位单位，可能有歧义：请写完整，如 四千八百元，或写数字 4800。`,
  amountIsArea: (p: { token: string }) =>
    `“${p.token}”是地区名，不是金额。要登记到${p.token}，请写 in ${p.token}；如果是备注，请给备注加引号：“${p.token}”。`,
  noteTooLong: (p: { max: number; length: number }) => `备注太长（${p.length} 个字），最多 ${p.max} 个字。`,
  noteStartsWithNumber: (p: { note: string }) =>
    `备注“${p.note}”以数字或金额开头，看不出它是不是金额的一部分：金额请连写，不要加空格（4800 或 4,800）；如果确实是备注，请加引号：“${p.note}”。`,
  unitApart: (p: { unit: string }) => `“${p.unit}”是单位，要和前面的数字连写，不要加空格：如 12人、4800元。`,
  noteStartsWithUnit: (p: { unit: string; note: string }) =>
    `“${p.unit}”是单位，要和前面的数字连写（如 4800元、12人），不要加空格；如果“${p.note}”确实是备注，请加引号：“${p.note}”。`,
  noteStartsWithArea: (p: { area: string; note: string }) =>
    `备注“${p.note}”以地区名“${p.area}”开头：要登记到${p.area}，请写 in ${p.area}；如果确实是备注，请加引号：“${p.note}”。`,
  amountBelowFloor: (p: { amount: string; people: number; min: string; floor: string; wan: boolean }) =>
    `金额 ${p.amount}元 低于 ${p.people} 人的最低金额 ${p.min}元（每人至少 ${p.floor}元），可能是万/元写错了${p.wan ? `：如果是 ${p.amount}万元，请写 ${p.amount}万` : ''}。请检查金额和单位。`,
  pastTwiceTarget: (p: { area: string; after: string; target: string }) =>
    `登记后${p.area}累计将达 ${p.after}人，超过任务数 ${p.target}人的两倍，很可能是人数写错了，未登记。请检查人数；确需登记请联系管理员。`,
  pastTwiceTargetWarning: (p: { area: string; after: string; target: string }) => `注意：${p.area}累计 ${p.after}人，已超过任务数 ${p.target}人的两倍，请核实。`,
  campaignFloorLine: (p: { floor: string; defaulted: boolean }) => `每人最低金额：${p.floor}元${p.defaulted ? '（默认为标准保费的十分之一）' : ''}`,
  floorOverPremium: (p: { floor: string; premium: string }) => `每人最低金额 ${p.floor}元 不能高于标准保费 ${p.premium}元。`,
  // --- access lifecycle ---
  needStaff: () => `只有联络员、领导或管理员可以这样做。请管理员用 grant 授权。`,
  privateLabel: () => `【仅你可见】`,
  peopleListElsewhere: (p: { area: string; channels: string }) =>
    `这里不显示${p.area}的人员名单。请到${p.area}的群（${p.channels}）里查询，或私信机器人查询。`,
  peopleListNoChannel: (p: { area: string }) =>
    `这里不显示${p.area}的人员名单。${p.area}还没有绑定群：请私信机器人查询，或请管理员在${p.area}的群里发送 bind。`,
  revoked: (p: { user: string; role: string }) => `已撤销 ${p.user} 的${p.role}角色。`,
  revokedConfigAdmin: (p: { user: string }) =>
    `注意：${p.user} 列在 ENROLLBOT_ADMINS 中，下次启动时会重新成为管理员；请同时从该设置中删除。`,
  notGranted: (p: { user: string; role: string; held: string }) =>
    `${p.user} 不是${p.role}，未作改动。${p.held ? `现有角色：${p.held}。` : '此人没有任何角色。'}`,
  lastAdmin: (p: { user: string }) => `${p.user} 是最后一位管理员，不能撤销。请先授权另一位管理员。`,
  unbound: (p: { kind: 'leaders' | 'township'; area: string; cancelled: number }) =>
    (p.kind === 'leaders'
      ? `本频道已不再是${p.area}的领导群：不再收到每日通报和督办提醒。`
      : `本频道已不再是${p.area}的工作群：不再收到断缴提醒，在这里登记须注明乡镇。`) +
    (p.cancelled ? `尚未发出的 ${p.cancelled} 条消息已取消。` : ''),
  notBound: () => `本频道没有绑定，无需解绑。`,
  whoTitle: (p: { area: string }) => `${p.area}的领导和联络员`,
  whoColumns: () => ['角色', '姓名', '地区'],
  whoRole: (p: { role: 'leader' | 'coordinator' }) => ({ leader: '领导', coordinator: '联络员' })[p.role],
  whoEmpty: (p: { area: string }) => `${p.area}还没有领导或联络员。管理员可用 grant 授权。`,
  whoMore: (p: { more: number }) => `另有 ${p.more} 人未列出，请指定下级地区查询。`,
  lapseLeaderTitle: (p: { area: string }) => `${p.area} 未结断缴人数`,
  lapseLeaderNote: () => `领导只看人数；人员名单由乡镇联络员在本乡镇的群里处理。`,
  lapseAreaColumns: (p: { backPay: number }) => [
    '乡镇',
    '合计',
    '1个月',
    p.backPay <= 3 ? '2个月' : `2至${p.backPay - 1}个月`,
    `第${p.backPay}个月（最后补缴月）`,
    `超过${p.backPay}个月`,
  ],
  lapseNotLeaderOf: (p: { area: string }) => `你不是${p.area}的领导，不能查看它的断缴人数。`,
  // --- hostile load ---
  buttonNotOurs: () => '这个按钮不是本机器人发出的，没有执行任何操作。请直接输入命令，例如：lapse done L12 paid。',
  controlCharacterInMessage: () => '消息里有看不见的控制字符（如 NUL），没有执行。请手动重新输入，不要从别处粘贴。',
  importXlsxTooLarge: (p: { limitMb: number }) =>
    `这个 XLSX 文件解压后超过 ${p.limitMb} MB（很可能是“压缩炸弹”或损坏的文件），整份未导入，数据库没有任何改动。请在 Excel 中另存为 CSV 再导入，或拆分成几个文件。`,
  importXlsxTooManyStrings: (p: { limit: string }) =>
    `这个 XLSX 文件的共享字符串超过 ${p.limit} 个（很可能是“压缩炸弹”或损坏的文件），整份未导入，数据库没有任何改动。请在 Excel 中另存为 CSV 再导入，或拆分成几个文件。`,
  importReaderOutOfMemory: (p: { mb: number }) =>
    `读取文件用的内存超过了 ${p.mb} MB 的上限（文件里可能有极长的单元格，或 CSV 有未闭合的引号），整份未导入，数据库没有任何改动。请检查文件，或另存为 CSV 后再导入。`,
  importReasonControl: () => '含有控制字符（如 NUL），请删除后重新导出',
  // --- exact input: ops ---
  lapseScanFuture: (p: { month: string; current: string; previous: string }) =>
    `${p.month} 还没到（现在是 ${p.current}），不能筛查。请写已经过去、缴费记录已导入的月份，如 lapse scan ${p.previous}。`,
  lapseScanNoContributions: () =>
    `还没有导入任何缴费记录，无从筛查。请先导入：npm run cli -- import contributions <文件>。`,
  lapseScanBeforeFirst: (p: { month: string; first: string; last: string }) =>
    `${p.month} 早于已导入的最早缴费记录（${p.first}），无法判断谁断缴。请写 ${p.first} 至 ${p.last} 之间的月份，如 lapse scan ${p.last}。`,
  lapseScanNotImported: (p: { month: string; last: string }) =>
    `${p.month} 的缴费记录还没有导入，现在筛查会把每个人都算作断缴，未做改动。请先导入该月的缴费记录（npm run cli -- import contributions <文件>）；已导入的最近月份是 ${p.last}。`,
  lapseScanOlder: (p: { month: string; latest: string }) =>
    `最近一次筛查的是 ${p.latest}，${p.month} 更早：旧月份不再筛查，也不重发提醒，未做改动。要按最新数据重新筛查并重发提醒，请发送 lapse scan ${p.latest}。`,
  needAuthorToUndo: () => `只有乡镇联络员或管理员可以撤销登记（联络员撤销自己当天的登记）。请管理员用 grant 授权。`,
  needCoordinatorForLapse: () =>
    `只有乡镇联络员、包户干部（只看自己负责的人）或管理员可以查看和跟进断缴名单（领导可以查看断缴人数）。请管理员用 grant 授权。`,
  undoNotYours: (p: { ref: string }) => `${p.ref} 不是你登记的，只能撤销自己的登记。如需作废，请管理员发送 void ${p.ref} 原因。`,
  undoLatestReversed: (p: { ref: string; by: string; older: string | null }) =>
    `你最近一条登记 ${p.ref} 已经被 ${p.by} 冲正，未再撤销。` +
    (p.older ? `要撤销更早的一条，请写明编号：undo ${p.older}。` : `你在这里没有其他未撤销的登记。`),
  targetInvalid: (p: { token: string }) => `任务数“${p.token}”不对：请写任务人数（不小于 0 的整数），如 28000、28,000 或 28000人。`,
  targetTooLarge: (p: { token: string; max: string }) => `任务数“${p.token}”太大（最多 ${p.max} 人），请检查是否多写了位数。`,
  bindVillage: (p: { name: string; township: string }) =>
    `“${p.name}”是村（社区），工作群只绑定到乡镇：请在${p.township}的群里发送 bind ${p.township}；村的缴费在那里登记，如 pay 12 in ${p.name}。`,
  bindNotTownship: (p: { name: string; kind: string }) =>
    `“${p.name}”是${p.kind}，不是乡镇，不能绑定为工作群。要把本频道设为它的领导群，请发送 bind leaders ${p.name}。`,
  boardNoVillages: (p: { area: string }) =>
    `${p.area}下还没有村（社区），以上是${p.area}自己的数字。管理员可以添加村，各村就会列在这里：township add 和平村 under ${p.area} target 500。`,
  helpOnlyYours: () => `这里只列出你可以使用的命令；其他命令需要管理员授予相应角色（grant）。`,
  importRefusedHeader: () => `拒收的行（改正后重新导入整份文件）：`,
  importRefusedLine: (p: { line: number; problems: string }) => `  第 ${p.line} 行：${p.problems}`,
  importRefusedProblem: (p: { column: string; reason: string }) => `${p.column}列 ${p.reason}`,
  importProblemList: (p: { items: readonly string[] }) => p.items.join('；'),
  importMoreRefused: (p: { more: number }) => `  ……另有 ${num(p.more)} 行拒收，未逐行列出。`,
  // --- personal data at rest ---
  personalNumbersMasked: () => `（消息里的身份证号、电话或银行卡号已脱敏，只保存和显示脱敏后的形式；请不要在聊天中发送完整号码。）`,
  // --- group robots ---
  robotAppName: (p: { app: 'wecom' | 'dingtalk' | 'feishu' }): string => ({ wecom: '企业微信', dingtalk: '钉钉', feishu: '飞书' })[p.app],
  robotPlace: (p: { kind: 'leaders' | 'township'; area: string }): string => (p.kind === 'leaders' ? `${p.area}领导群` : `${p.area}工作群`),
  robotProblem: (p: { problem: 'key' | 'signature' | 'keyword' | 'ip' | 'removed' }): string =>
    ({
      key: '地址中的 key 或 access_token 不对（或机器人已被删除）',
      signature: '签名不对：加签密钥不对，或服务器时钟不准',
      keyword: '消息不含机器人设置的自定义关键词：请把安全设置改为“加签”',
      ip: '本服务器的 IP 不在机器人的 IP 白名单中：请把安全设置改为“加签”',
      removed: '机器人已被移出群或已停用',
    })[p.problem],
  robotFailingNotice: (p: { ref: string; app: string; place: string; problem: string }) =>
    `群机器人 ${p.ref}（${p.app}，${p.place}）被拒收：${p.problem}。发往它的消息已暂停，不会丢失；修好后发送 robot test ${p.ref} 即恢复投递，或用 robot remove ${p.ref} 删除。`,
  robotQuotaNotice: (p: { ref: string; app: string; place: string }) =>
    `群机器人 ${p.ref}（${p.app}，${p.place}）的调用次数已用完（钉钉 90030）：消息在额度恢复后送出。可升级钉钉版本，或减少机器人数量。`,
  robotTestTitle: () => `enrollbot 测试消息`,
  robotTestText: (p: { place: string }) => `本群已接入 enrollbot，将收到${p.place}的进度通报和提醒。`,
  robotAdded: (p: { ref: string; app: string; place: string; hint: string; signed: boolean }) =>
    `已添加群机器人 ${p.ref}：${p.app}，发往${p.place}，${p.hint}${p.signed ? '，已加签' : ''}。测试消息已发到群里；今后${p.place}收到的通报和提醒也会推送到该群。`,
  robotUnsigned: (p: { app: string }) => `提示：这个${p.app}机器人没有加签。建议在机器人的安全设置中选“加签”，再用 robot remove 和 robot add … secret <密钥> 重新添加。`,
  robotTested: (p: { ref: string; released: number }) =>
    `测试消息已发到 ${p.ref} 的群。` + (p.released ? `机器人已恢复，暂停的 ${p.released} 条消息将陆续送出。` : ''),
  robotRefused: (p: { app: string; problem: string; saved: boolean }) => `${p.app}拒收了测试消息：${p.problem}。${p.saved ? '' : '未保存。'}`,
  robotBusy: (p: { app: string; saved: boolean }) => `${p.app}说发送太频繁，请过一分钟再试。${p.saved ? '' : '未保存。'}`,
  robotUnreachable: (p: { detail: string; saved: boolean }) =>
    `没有发出测试消息（${p.detail}）：请检查地址和本服务器的网络。${p.saved ? '' : '未保存。'}`,
  robotUrlInvalid: () => `这不是网址：请粘贴群机器人的 webhook 地址，以 https:// 开头。`,
  robotNoSecret: (p: { app: string }) => `${p.app}群机器人没有加签密钥，不用写 secret。`,
  robotDuplicate: (p: { ref: string }) => `这个机器人已经添加过（${p.ref}）。`,
  robotForInvalid: () => `请写明发往哪里：for leaders（领导群，可加地区）或 for <乡镇>。`,
  robotRefInvalid: (p: { token: string }) => `“${p.token}”不是机器人编号：请写 R3 这样的编号（robot list 可查）。`,
  robotUnknown: (p: { ref: string }) => `没有群机器人 ${p.ref}。发送 robot list 查看。`,
  robotRemoved: (p: { ref: string; cancelled: number }) => `已删除群机器人 ${p.ref}。` + (p.cancelled ? `尚未发出的 ${p.cancelled} 条消息已取消。` : ''),
  robotListTitle: () => `群机器人`,
  robotListColumns: () => ['编号', '应用', '发往', '地址', '加签', '状态'],
  robotListEmpty: () => `还没有群机器人。添加：robot add wecom <webhook地址> for leaders`,
  robotSignedCell: (p: { signed: boolean }): string => (p.signed ? '是' : '否'),
  robotStatusCell: (p: { failing: boolean; problem: string }): string => (p.failing ? `暂停：${p.problem}` : '正常'),
  robotNoKey: () => `没有加密密钥，不能保存机器人地址：请设置 ENROLLBOT_PII_KEY（至少 32 个字符）后重启。`,
  // --- one time zone ---
  campaignZoneInvalid: (p: { token: string }) =>
    `“${p.token}”不是时区名称，未做改动。请写 IANA 时区名称，如 campaign zone Asia/Shanghai（北京时间）或 campaign zone Asia/Urumqi。`,
  campaignZoneMoved: (p: { zone: string; today: string }) =>
    `按${p.zone}，今天是 ${p.today}。每日通报、断缴筛查和夜间备份都改按这个时区的时间进行（各个实例在一分钟内跟上）。`,
  // --- scale-charts ---
  chartRest: (p: { count: number; from: number; to: number }) => `其余${p.count}个（第${p.from}–${p.to}名）`,
  chartOwn: (p: { area: string }) => `${p.area}合计`,
  // --- named-people ---
  lapseRulesNote: (p: { backPay: number; wait: number }) =>
    `断缴${p.backPay}个月内补缴，参保连续、待遇不受影响；超过${p.backPay}个月仍可补缴，但不追溯补缴前的待遇` +
    (p.wait > 0 ? `，恢复缴费后按当地规定设等待期（本地最长${p.wait}个月）。` : '。'),
  lapseRulesShow: (p: { backPay: number; wait: number; note: string; custom: boolean }) =>
    `断缴规则：补缴期限 ${p.backPay} 个月，等待期 ${p.wait > 0 ? `最长 ${p.wait} 个月` : '无'}。\n说明${p.custom ? '（本地）' : '（默认）'}：${p.note}\n` +
    `修改：lapse rules backpay 3 / lapse rules wait 6（0 为无等待期）/ lapse rules note <说明> / lapse rules note default`,
  lapseRulesSet: (p: { what: string; value: string }) => `已把断缴规则的${p.what}改为 ${p.value}。以后的筛查和提醒按新规则。`,
  lapseRulesWhat: (p: { what: 'backpay' | 'wait' | 'note' }) => ({ backpay: '补缴期限', wait: '等待期', note: '说明' })[p.what],
  lapseRulesInvalid: (p: { what: 'backpay' | 'wait' | 'note'; max: number }) =>
    ({
      backpay: `补缴期限请写 1 到 ${p.max} 的整数（月），如 lapse rules backpay 3。`,
      wait: `等待期请写 0 到 ${p.max} 的整数（月，0 为无等待期），如 lapse rules wait 6。`,
      note: `说明请写 1 到 ${p.max} 个字，或写 default 恢复默认说明，如 lapse rules note 断缴3个月内补缴不影响待遇。`,
    })[p.what],
  lapseSupportedCount: (p: { count: number }) => `其中帮扶对象 ${num(p.count)} 人，排在各阶段最前。`,
  lapseSupportedTitle: (p: { area: string }) => `${p.area} 帮扶对象未结断缴`,
  lapseSupportedEmpty: (p: { area: string }) => `${p.area}的帮扶对象没有未结的断缴。`,
  lapseSupportedMark: () => `【帮扶】`,
  caseKindCell: (p: { kind: 'special' | 'unpaid'; category: string | null }) => (p.kind === 'special' ? `${p.category ?? '特殊人群'}未参保` : '未缴费（包户到人）'),
  namedCounts: (p: { special: number; unpaid: number }) => `未缴名单：特殊人群未参保 ${num(p.special)} 人，包户到人未缴 ${num(p.unpaid)} 人。`,
  namedListTitle: (p: { area: string }) => `${p.area} 未缴名单（特殊人群、包户到人）`,
  namedListEmpty: (p: { area: string }) => `${p.area}的特殊人群和包户到人名单里没有未缴的人。`,
  namedDigestTitle: (p: { area: string; month: string }) => `${p.area} 未缴名单提醒（${p.month}）`,
  namedHowTo: () => `缴费后随官方数据导入自动结案；记录跟进：lapse done L12 承诺。`,
  cadreListTitle: (p: { name: string }) => `${p.name}：你负责的人员`,
  cadreListEmpty: (p: { name: string }) => `${p.name}，你负责的人员里没有未结的断缴或未缴。`,
  lapseNotYourCase: (p: { ref: string }) => `${p.ref} 不是分给你的，只能跟进自己负责的人。请联系乡镇联络员。`,
  lapseCallNotDirect: () => `完整电话只在私信里给：请私信机器人发送 lapse call L12。本频道没有显示任何号码。`,
  lapseCallNotYours: (p: { ref: string }) => `只有 ${p.ref} 的负责网格员（包户干部）或本乡镇联络员可以查看完整电话。`,
  lapseCallNoPhone: (p: { ref: string }) => `${p.ref} 在名单里没有电话号码。`,
  lapseCallLimit: (p: { limit: number }) => `你今天已查看 ${p.limit} 个完整电话，达到每日上限，明天再查。如确有需要，请联系管理员。`,
  lapseCallReveal: (p: { ref: string; name: string; phone: string; area: string }) =>
    `${p.ref} ${p.name}（${p.area}）电话：${p.phone}\n仅供本人劝缴联系使用，请勿转发；本次查看已记录。`,
  cadreLinked: (p: { name: string; user: string; people: number; townships: string }) =>
    `已把名单中的包户干部“${p.name}”关联到 ${p.user}：${num(p.people)} 人，授予 ${p.townships} 包户干部角色。${p.user} 会收到自己的名单，可以跟进和私信查看电话。`,
  cadreLinkNone: (p: { name: string }) => `花名册和未缴名单里没有包户干部叫“${p.name}”的人员。请按名单里“包户干部”一列的写法填写。`,
  assigned: (p: { ref: string; user: string }) => `已把 ${p.ref} 分给 ${p.user}，今后的提醒发给 ${p.user}。`,
  assignNeedsCadre: (p: { user: string; township: string }) =>
    `${p.user} 还不是${p.township}的包户干部：请先发送 grant ${p.user} cadre ${p.township}。`,
  progressSpecial: (p: { paid: string; due: string; rate: string; short: string }) =>
    `特殊人群（特困、低保、脱贫、监测对象）：已参保 ${p.paid}/应参保 ${p.due}，${p.rate}（要求 100%${p.short ? `，还差 ${p.short} 人` : '，已达标'}）。`,
  progressNamedLeft: (p: { left: string; holders: string }) => `包户到人未缴名单还剩 ${p.left} 人：${p.holders}。`,
  progressHolder: (p: { name: string; count: string }) => `${p.name} ${p.count}人`,
  progressUnassigned: () => `未分配`,
  boardSpecialLine: (p: { paid: string; due: string; rate: string; below: string }) =>
    `特殊人群参保：${p.paid}/${p.due}，${p.rate}（要求 100%）${p.below ? `；未达100%：${p.below}` : '；各乡镇均已达标'}。`,
  boardSpecialItem: (p: { area: string; rate: string }) => `${p.area} ${p.rate}`,
  namedImportClosed: (p: { closed: number; opened: number }) => `新增未缴 ${num(p.opened)} 人；${num(p.closed)} 人已不在未缴名单（已缴费或已移出），其跟进已结案。`,
  // --- slack-discord ---
  outboxImageLeftOut: () => `（图表未能附上：机器人不在本频道。请用 /invite 邀请机器人进来，下次就能带图。）`,
  outboxDeadTitle: (p: { count: number }) => `有 ${p.count} 条消息多次发送失败，已停止重试`,
  outboxDeadItem: (p: { id: number; platform: string; what: string; error: string }) => `#${p.id}（${p.platform}，${p.what}）：${p.error || '原因不明'}`,
  outboxDeadHint: () => `修好原因（例如把机器人邀请进频道）后，请管理员运行 npm run cli -- outbox 查看，npm run cli -- outbox resend all 重发。`,
  bindCannotJoin: (p: { reason: string }) =>
    `注意：机器人没能自动加入本频道（${p.reason}），通报的图表发不进来。请用 /invite @enrollbot 邀请机器人。`,
  bindMissingPermissions: (p: { permissions: string }) => `注意：机器人在本频道缺少权限：${p.permissions}。请在频道设置里给机器人这些权限，否则通报发不进来。`,
  shareInChannel: () => `发到频道`,
  sharedBy: (p: { user: string }) => `${p.user} 分享`,
  followUpMarked: (p: { ref: string; outcome: string; user: string }) => `✅ ${p.ref} 已记录：${p.outcome}（${p.user}）`,
  followUpThread: (p: { ref: string; outcome: string; user: string }) => `${p.user} 记录了 ${p.ref} 的劝缴结果：${p.outcome}。`,
  payButton: (p: { township: string }) => `登记 ${p.township}`,
  payModalTitle: () => `登记收缴`,
  payModalSubmit: () => `登记`,
  payModalCancel: () => `取消`,
  payModalTownship: () => `乡镇`,
  payModalPeople: () => `人数`,
  payModalAmount: () => `金额（元）`,
  payModalAmountHint: () => `不填则按人数 × 每人保费计`,
  payModalNote: () => `备注`,
  payModalNoTownship: () => `请选择乡镇。`,
  payModalNoChannel: () => `请在乡镇的工作群里打开这个表单，登记结果会发到那里。`,
  homeTitle: () => `医保征缴`,
  homeProgress: () => `本乡镇进度`,
  homeCases: () => `待劝缴的断缴人员`,
  homeBoard: () => `实时排行`,
  homeNothing: () => `你还没有角色。请管理员授权（grant），之后这里会显示你所在乡镇的进度和待办。`,
  boardTableRest: (p: { count: number; file: string }) => `表格只显示前面的行，其余 ${p.count} 行见附件 ${p.file}。`,
  // --- official ---
  boardGapColumn: () => '还差',
  boardReconcileColumns: () => ['自报', '系统', '差异'],
  boardMarksColumn: () => '标记',
  boardMarkBehind: () => '落后序时',
  boardMarkCheck: () => '待核实',
  boardTotalGap: (p: { gap: string }) => `还差 ${p.gap}人。`,
  boardTotalReconciled: (p: { reported: string; official: string; diff: string }) => `自报 ${p.reported}人，系统 ${p.official}人，差异 ${p.diff}人。`,
  boardSourceOfficial: (p: { month: string; day: string }) => `数据来源：医保信息平台，截至 ${p.month}月${p.day}日`,
  boardSourceOfficialMissing: () => `数据来源：医保信息平台（近两日没有导入数据，按乡镇自报计）`,
  boardSourceReported: () => `数据来源：乡镇自报`,
  boardTimeElapsed: (p: { rate: string; elapsed: number; days: number }) => `序时进度 ${p.rate}（征缴期第 ${p.elapsed}/${p.days} 天）`,
  boardBehindCount: (p: { count: number; of: number; rate: string }) => `落后序时进度（${p.rate}）：${num(p.count)}/${num(p.of)} 个单位`,
  boardPraise: (p: { names: string; points: number }) => `表扬（完成率高于序时进度 ${p.points} 个百分点及以上）：${p.names}`,
  boardCriticize: (p: { names: string }) => `通报（排名靠后且落后序时进度）：${p.names}`,
  boardCheckList: (p: { items: string }) => `待核实（自报超出系统数据）：${p.items}`,
  boardCheckItem: (p: { name: string; reported: string; official: string; diff: string }) => `${p.name}（自报 ${p.reported}，系统 ${p.official}，差异 ${p.diff}）`,
  verifyWeeklyTitle: (p: { area: string; month: string; day: string }) => `${p.area}本周待核实单位（系统数据截至 ${p.month}月${p.day}日）`,
  verifyWeeklyText: (p: { items: string; margin: string; people: number }) =>
    `以下单位自报人数超出医保信息平台数据 ${p.margin} 且 ${num(p.people)} 人以上，请核实：\n${p.items}`,
  progressReconciled: (p: { reported: string; official: string; diff: string; asOf: string; check: boolean }) =>
    `自报 ${p.reported}人，系统 ${p.official}人（截至 ${p.asOf}），差异 ${p.diff}人${p.check ? '，待核实' : ''}。`,
  progressBenchmark: (p: { gap: string; time: string; behind: boolean }) => `还差 ${p.gap}人；序时进度 ${p.time}${p.behind ? '，落后序时进度' : ''}。`,
  progressSource: (p: { official: boolean }): string => (p.official ? `（排名按医保信息平台数据）` : `（排名按乡镇自报）`),
  importOfficialSummary: (p: { format: string; read: number; stored: number; unchanged: number; summed: number; skipped: number; dates: string; refused: number }) =>
    `系统数据（${p.format}）：读了 ${num(p.read)} 行，截至 ${p.dates || '—'}；新存 ${num(p.stored)} 个数（其中 ${num(p.summed)} 个为上级汇总），与已存相同 ${num(p.unchanged)} 个` +
    `${p.skipped ? `，跳过合计行 ${num(p.skipped)} 行` : ''}，拒收 ${num(p.refused)} 行。`,
  importOfficialSwitched: () => `这是本次征缴第一次导入系统数据：排行起改按系统数据（campaign source reported 可改回乡镇自报）。`,
  importOfficialReason: (p: { reason: OfficialRefusalReason }) =>
    ({
      area_unknown: '没有这个地区',
      area_ambiguous: '有多个同名地区，请写路径',
      people_missing: '已缴费人数为空',
      people_invalid: '已缴费人数不对（写 0 或正整数，如 1234）',
      as_of_invalid: '日期不对（写 2026-12-01）',
      as_of_future: '日期晚于今天',
      as_of_before_start: '日期早于本次征缴开始',
      official_repeated: '同一地区同一日期出现了不止一次',
    })[p.reason],
  importAreaWritten: (p: { reason: string; written: string; nearest: string }) => `${p.reason}：“${p.written}”${p.nearest ? `，最接近的是 ${p.nearest}` : ''}`,
  officialImportUsage: () => `请在控制台写文件路径：official import <文件.csv|文件.xlsx> [YYYY-MM-DD]（日期为没有日期列时的截至日期，默认今天）。`,
  officialImportNoFiles: (p: { platform: string }) =>
    `${p.platform}上还不能把文件交给机器人。请让管理员在服务器上运行：npm run cli -- import official <文件> [--as-of YYYY-MM-DD]。`,
  officialImportFileMissing: (p: { file: string }) => `找不到文件“${p.file}”，或它不是 .csv / .xlsx 文件。`,
  officialImportNothingNew: () => `文件里的数与已导入的完全相同，没有任何改动。`,
  sourceOfficialOnly: () =>
    `本次征缴的进度以医保信息平台导入的数据为准（数据来源：系统），不需要再登记或上报。系统数据有误请联系管理员更正。`,
  sourceOfficialAdminNote: () => `提示：排行按系统数据计，这条只改自报数。`,
  totalRecorded: (p: { ref: string; area: string; total: string; people: string; amount: string; totalAmount: string; rate: string; note: string | null }) =>
    `已上报 ${p.ref}：${p.area}累计 ${p.total}人（${p.people}人，${p.amount}元），完成率 ${p.rate}，累计收缴 ${p.totalAmount}元${p.note ? `，备注“${p.note}”` : ''}。`,
  totalUnchanged: (p: { area: string; total: string }) => `${p.area}累计已经是 ${p.total}人，金额也相同，未记录。`,
  totalBelowZero: () => `累计人数不能小于 0。请写本乡镇到现在为止的累计缴费人数，如 total 1200。`,
  totalAmountBelowZero: (p: { amount: string }) => `按这个累计，收缴金额会变成 ${p.amount}元（小于 0）。请写累计金额，如 total 1200 48万。`,
  campaignSourceShow: (p: { source: 'official' | 'reported'; chosen: boolean }) =>
    `数据来源：${p.source === 'official' ? '医保信息平台（系统）' : '乡镇自报'}${p.chosen ? '' : '（默认：第一次导入系统数据后改按系统）'}`,
  campaignSourceSet: (p: { source: 'official' | 'reported' }): string =>
    p.source === 'official' ? `已改为按医保信息平台数据排行；联络员的 pay / total 将被告知以系统为准。` : `已改为按乡镇自报排行。`,
  campaignSourceUnchanged: (p: { source: 'official' | 'reported' }) => `数据来源已经是${p.source === 'official' ? '系统' : '乡镇自报'}，未作改动。`,
  campaignMarginShow: (p: { margin: string; people: number }) => `待核实：自报超出系统 ${p.margin} 且 ${num(p.people)} 人以上`,
  campaignMarginSet: (p: { margin: string; people: number }) => `已设置：自报超出系统 ${p.margin} 且 ${num(p.people)} 人以上标为待核实。`,
  campaignMarginInvalid: (p: { token: string }) => `“${p.token}”不是百分比：请写如 campaign margin 2% 50（超出 2% 且 50 人以上）。`,
  campaignPraiseShow: (p: { points: number | null }) => (p.points === null ? `表扬：不列` : `表扬：完成率高于序时进度 ${p.points} 个百分点及以上`),
  campaignPraiseSet: (p: { points: number | null }) => (p.points === null ? `已取消通报里的表扬。` : `已设置：完成率高于序时进度 ${p.points} 个百分点及以上的单位列入表扬。`),
  campaignCriticizeShow: (p: { bottom: number | null }) => (p.bottom === null ? `通报：不列` : `通报：后 ${p.bottom} 名中落后序时进度的单位`),
  campaignCriticizeSet: (p: { bottom: number | null }) => (p.bottom === null ? `已取消通报批评。` : `已设置：后 ${p.bottom} 名中落后序时进度的单位列入通报。`),
  thresholdInvalid: (p: { token: string }) => `“${p.token}”不对：请写非负整数，或 off（不列）。`,
  chartTimeElapsed: (p: { rate: string }) => `序时进度 ${p.rate}`,
  entryIsTotal: (p: { ref: string }) => `${p.ref} 是上报累计数（total）记下的差额，不能撤销或作废：请再发一次 total <正确的累计数> 更正。`,
};

/** The shape every catalogue has: the keys and parameters of the reference. */
export type Catalogue = { [K in keyof typeof zhCN]: (typeof zhCN)[K] };
