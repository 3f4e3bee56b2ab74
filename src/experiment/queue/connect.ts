/**
 * Connecting to the --queue Redis. checkRedis tries once, without retries, so a wrong password or an unreachable host
 * is one line before anything starts (UserError, exit 2). After that the long-lived connections retry for ever (a
 * Redis restart mid-grid: ioredis reconnects and BullMQ carries on), and their errors become redacted warnings.
 */
import { Redis } from 'ioredis';
import { UserError } from '../../util/errors.ts';
import { parseQueueUrl, scrub, type QueueTarget } from './url.ts';

export function whyNot(e: unknown, target: QueueTarget): string {
  const err = e as NodeJS.ErrnoException;
  const msg = scrub(String(err?.message ?? e).split('\n')[0]!, target.redis.password);
  if (/WRONGPASS|NOAUTH|invalid password|invalid username-password|AUTH.*without any password/i.test(msg)) {
    return `Redis at ${target.shown} refused the credentials (${msg.slice(0, 120)}); check the user and password in --queue`;
  }
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|SSL/i.test(`${err?.code ?? ''} ${msg}`)) {
    return `Redis at ${target.shown} presented a TLS certificate this machine does not trust or that does not fit the ` +
      `host (${err?.code ?? msg.slice(0, 80)}); for a private CA set NODE_EXTRA_CA_CERTS=/path/to/ca.pem`;
  }
  const code = err?.code ?? (/(ECONNREFUSED|ENOTFOUND|ETIMEDOUT|EHOSTUNREACH|ECONNRESET)/.exec(msg)?.[1]);
  if (code) {
    return `cannot reach Redis at ${target.shown} (${code}); is redis-server running there, and the port open to this machine?`;
  }
  return `Redis at ${target.shown} failed: ${msg.slice(0, 200)}`;
}

/** Parses the URL and checks that Redis answers with these credentials; one-line UserError otherwise. */
export async function checkRedis(url: string, timeoutMs = 5000): Promise<QueueTarget> {
  const target = parseQueueUrl(url);
  const probe = new Redis({
    ...target.redis, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false,
    retryStrategy: () => null, connectTimeout: timeoutMs,
  });
  let last: unknown = null;
  probe.on('error', (e) => { last = e; });
  try {
    await probe.connect();
    await probe.ping();
  } catch (e) {
    throw new UserError(whyNot(last ?? e, target));
  } finally {
    probe.disconnect();
  }
  return target;
}

/** A long-lived connection; its errors (Redis restarting, say) are reported redacted, at most one line per 10 s. */
export function openRedis(target: QueueTarget, warn: (line: string) => void): Redis {
  const r = new Redis(target.redis);
  r.on('error', rateLimited(target, warn));
  return r;
}

/** An 'error' listener for ioredis / BullMQ objects: redacted, at most one warning per 10 s. */
export function rateLimited(target: QueueTarget, warn: (line: string) => void): (e: unknown) => void {
  let lastAt = 0;
  return (e) => {
    const now = Date.now();
    if (now - lastAt < 10_000) return;
    lastAt = now;
    warn(`rnnlab: warning: ${whyNot(e, target)}; retrying`);
  };
}
