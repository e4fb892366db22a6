/**
 * The fake Slack Web API for bench/slack.ts, in its own process so that
 * answering the bot's response_url calls does not share the load generator's
 * event loop. Prints `{"apiUrl":…,"url":…}`; stops when its standard input ends.
 */
import { startFakeSlack } from '../test/platforms/slack/fake-slack.ts';

const fake = await startFakeSlack();
fake.users.set('UCOORD', { name: '王芳' });
process.stdout.write(`${JSON.stringify({ apiUrl: fake.apiUrl, url: fake.url })}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  await fake.close();
  process.exit(0);
});
