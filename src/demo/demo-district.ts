/**
 * The demo district: 20 townships with villages, targets near Yueyanglou's
 * 2025 figure (≈560,000), two weeks of plausible history, coordinators and
 * console channels, so that a newcomer's first `board` shows a real board.
 * Deterministic: the same day gives the same demo.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { createArea, getRootArea } from '../store/areas.ts';
import { getCurrentCampaign } from '../store/campaigns.ts';
import { setTarget } from '../store/targets.ts';
import { ensureMember, grantRole } from '../store/members.ts';
import { bindChannel } from '../store/bindings.ts';
import { appendEntriesInBulk, type EntryInput } from '../store/ledger.ts';
import { putSetting } from '../store/settings.ts';
import { addDays, businessDate, zonedInstant, zonedParts } from '../domain/calendar.ts';
import { prng } from '../domain/prng.ts';

export const DEMO_TOWNSHIPS = [
  '城南街道', '城北街道', '东湖街道', '西岭街道', '南湖街道', '北港街道', '金鹗街道', '望岳街道', '洞庭街道', '白石乡',
  '青山镇', '柳林镇', '桃源镇', '梅溪乡', '石门镇', '新塘镇', '荷花乡', '枫桥镇', '龙湾镇', '康王乡',
] as const;

const COORDINATORS = [
  '王芳', '李娜', '张伟', '刘洋', '陈静', '杨帆', '赵磊', '黄丽', '周杰', '吴敏',
  '徐强', '孙悦', '胡军', '朱琳', '高峰', '林涛', '何雪', '郭亮', '马骏', '罗兰',
] as const;

const VILLAGE_WORDS = ['红星', '光明', '和平', '东风', '胜利', '向阳', '建设', '团结'] as const;

/** The demo's leaders' channel and leader, for the README's session. */
export const DEMO_LEADERS_CHANNEL = 'leaders';
export const DEMO_LEADER = '周局长';
const DEMO_TOTAL_TARGET = 560_000;
const HISTORY_DAYS = 14;


/** Splits a total into parts proportional to weights, exactly (the remainder goes to the first). */
function split(total: number, weights: number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  const parts = weights.map((w) => Math.floor((total * w) / sum));
  parts[0]! += total - parts.reduce((s, p) => s + p, 0);
  return parts;
}

export async function seedDemoDistrict(db: Kysely<Database>, now: Date): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const root = await getRootArea(tx);
    const campaign = await getCurrentCampaign(tx);
    const zone = campaign.time_zone;
    const today = businessDate(now, zone);
    const premium = Number(campaign.premium_fen);
    const rand = prng(20251217);
    const iso = now.toISOString();

    const leaderId = await ensureMember(tx, { platform: 'console', externalId: DEMO_LEADER, displayName: DEMO_LEADER, now });
    await grantRole(tx, { memberId: leaderId, role: 'leader', areaId: root.id, now });
    await bindChannel(tx, { platform: 'console', channelId: DEMO_LEADERS_CHANNEL, channelName: DEMO_LEADERS_CHANNEL, kind: 'leaders', areaId: root.id, now });

    const townshipTargets = split(DEMO_TOTAL_TARGET, DEMO_TOWNSHIPS.map(() => 0.5 + rand()));
    // History runs over the last two weeks inside the campaign, ending yesterday; today gets a few morning entries.
    const firstDay = [addDays(today, -HISTORY_DAYS), campaign.start_date].sort().at(-1)!;
    const lastDay = [today, campaign.deadline].sort()[0]!;

    // Two weeks of history are a few thousand entries: appended in bulk.
    const history: EntryInput[] = [];
    for (const [i, name] of DEMO_TOWNSHIPS.entries()) {
      const township = await createArea(tx, { parent: root, name, kind: 'township', now });
      const target = townshipTargets[i]!;
      await setTarget(tx, campaign.id, township.id, target);
      const coordinator = COORDINATORS[i]!;
      const memberId = await ensureMember(tx, { platform: 'console', externalId: coordinator, displayName: coordinator, now });
      await grantRole(tx, { memberId, role: 'coordinator', areaId: township.id, now });
      await bindChannel(tx, { platform: 'console', channelId: name, channelName: name, kind: 'township', areaId: township.id, now });

      const villageCount = 3 + Math.floor(rand() * 3);
      const villageTargets = split(target, Array.from({ length: villageCount }, () => 0.6 + rand()));
      // Each township has its own pace, so the board spreads from ≈70 % to ≈95 %.
      const level = 0.6 + 0.2 * rand();
      const dailyShare = 0.003 + 0.005 * rand();
      const stem = name.slice(0, 2);
      for (let v = 0; v < villageCount; v++) {
        const village = await createArea(tx, {
          parent: township,
          name: `${stem}${VILLAGE_WORDS[v]!}${v % 2 ? '社区' : '村'}`,
          kind: 'village',
          now,
        });
        const vTarget = villageTargets[v]!;
        await setTarget(tx, campaign.id, village.id, vTarget);
        const log = async (day: string, people: number, hour: number, note: string | null) => {
          if (people <= 0) return;
          const subsidized = Math.floor(people * 0.03);
          history.push({
            campaignId: campaign.id,
            areaId: village.id,
            areaPath: village.path,
            kind: 'payment',
            people,
            amountFen: (people - subsidized) * premium + subsidized * Math.floor(premium / 2),
            note,
            memberId,
            platform: 'console',
            channelId: name,
            businessDate: day,
            recordedAt: day === today && hour > zonedParts(now, zone).hour ? now : zonedInstant(day, hour, 30, zone),
          });
        };
        if (firstDay > lastDay) continue;
        await log(firstDay, Math.floor(vTarget * (level + (rand() - 0.5) * 0.06)), 9, '期初结转（9月以来累计）');
        for (let day = addDays(firstDay, 1); day <= lastDay; day = addDays(day, 1)) {
          const share = dailyShare * (0.5 + rand());
          if (day === today) await log(day, Math.floor(vTarget * share * 0.4), 10, null);
          else {
            const people = Math.floor(vTarget * share);
            const morning = Math.floor(people * rand());
            await log(day, morning, 11, null);
            await log(day, people - morning, 16, null);
          }
        }
      }
    }
    await appendEntriesInBulk(tx, history);
    await putSetting(tx, 'demo', '1');
    await putSetting(tx, 'demo_seeded_at', iso);
  });
}
