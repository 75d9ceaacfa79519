// inscene-desk's `handoff.initiate` activity against botbuilder's own
// EventFactory.createHandoffInitiation, built from the same incoming activity,
// value and transcript. The CLI renders ours, run as a process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { EventFactory } from 'botbuilder';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const bin = process.env.INSCENE_BIN ?? path.join(repo, 'target/release/inscene');

test('our handoff.initiate is the activity botbuilder builds', () => {
  const mappingFile = path.join(repo, 'tests/desk/bot_framework.mapping.json');
  const out = execFileSync(bin, [
    'handoff', 'render', path.join(repo, 'tests/desk/packet.json'),
    '--to', 'bot_framework', '--mapping', mappingFile, '--format', 'json',
  ]);
  const [call] = JSON.parse(out.toString());
  assert.equal(call.name, 'handoff.initiate');
  const ours = call.body;

  const c = JSON.parse(readFileSync(mappingFile, 'utf8')).conversation;
  const packet = JSON.parse(readFileSync(path.join(repo, 'tests/desk/packet.json'), 'utf8'));
  // The user's message the bot is answering when it hands over.
  const incoming = {
    type: 'message',
    id: c.reply_to_id,
    from: { id: c.user_id },
    recipient: { id: c.bot_id },
    conversation: { id: c.conversation_id },
    channelId: c.channel_id,
    serviceUrl: c.service_url,
    locale: packet.language,
  };
  const transcript = ours.attachments[0].content;
  const theirs = JSON.parse(JSON.stringify(EventFactory.createHandoffInitiation({ activity: incoming }, ours.value, transcript)));
  // Set by the factory at send time: a fresh id, the clock, the machine's time zone.
  for (const key of ['id', 'timestamp', 'localTimezone']) {
    assert.ok(key in theirs, key);
    delete theirs[key];
  }
  assert.deepEqual(ours, theirs);
  // And the transcript holds the session's lines, the user's by the user.
  assert.equal(transcript.activities[0].from.role, 'user');
  assert.equal(transcript.activities[0].text, packet.transcript[0].text);
});
