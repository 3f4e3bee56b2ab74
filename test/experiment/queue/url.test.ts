/** The --queue URL: parsed into connection options, and shown only without its password. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQueueUrl, redactQueueUrl, scrub } from '../../../src/experiment/queue/url.ts';
import { queueName } from '../../../src/experiment/queue/protocol.ts';

test('redactQueueUrl hides the password and keeps everything else', () => {
  assert.equal(redactQueueUrl('redis://:hunter2@10.0.0.5:6379/3'), 'redis://:***@10.0.0.5:6379/3');
  assert.equal(redactQueueUrl('rediss://lab:p%40ss@redis.example:6380'), 'rediss://lab:***@redis.example:6380');
  assert.equal(redactQueueUrl('redis://127.0.0.1:6379'), 'redis://127.0.0.1:6379');
  // not a URL: nothing of it is shown (it may be a password pasted in the wrong place)
  assert.equal(redactQueueUrl('hunter2'), '<unparseable URL>');
});

test('parseQueueUrl: host, port, db, user, password, TLS; bad URLs are one-line errors without the password', () => {
  const a = parseQueueUrl('redis://:hunter2@10.0.0.5:6390/3');
  assert.deepEqual({ host: a.redis.host, port: a.redis.port, db: a.redis.db, password: a.redis.password, tls: a.redis.tls },
    { host: '10.0.0.5', port: 6390, db: 3, password: 'hunter2', tls: undefined });
  assert.equal(a.shown, 'redis://:***@10.0.0.5:6390/3');
  const b = parseQueueUrl('rediss://lab:p%40ss@redis.example');
  assert.equal(b.redis.port, 6379);
  assert.equal(b.redis.db, 0);
  assert.equal(b.redis.username, 'lab');
  assert.equal(b.redis.password, 'p@ss');
  assert.deepEqual(b.redis.tls, { servername: 'redis.example' });
  for (const bad of ['http://:hunter2@host:1', 'hunter2', 'redis://:hunter2@host:1/x']) {
    assert.throws(() => parseQueueUrl(bad), (e: Error) => e.name === 'UserError' && !e.message.includes('hunter2') &&
      !e.message.includes('\n'));
  }
});

test('scrub removes a password from a library message, also URL-encoded', () => {
  assert.equal(scrub('AUTH p@ss failed; url redis://:p%40ss@h', 'p@ss'), 'AUTH *** failed; url redis://:***@h');
  assert.equal(scrub('no secret here', undefined), 'no secret here');
});

test('queueName: one queue per experiment folder and settings, the same on a rerun', () => {
  const s = { cells: { 'lstm-adam': { epochs: 2 } } };
  assert.equal(queueName('/runs/a', s), queueName('/runs/a', { cells: { 'lstm-adam': { epochs: 2 } } }));
  assert.notEqual(queueName('/runs/a', s), queueName('/runs/b', s));
  assert.notEqual(queueName('/runs/a', s), queueName('/runs/a', { cells: { 'lstm-adam': { epochs: 3 } } }));
  assert.match(queueName('/runs/a', s), /^rnnlab-[0-9a-f]{16}$/);
});
