/**
 * The --queue URL: redis://[[user]:password@]host[:port][/db], or rediss:// for TLS.
 *
 * The password must never reach a log line, an error message, experiment.json or a report: everything that shows
 * the URL shows redactQueueUrl(url), which keeps scheme, user, host, port and db and replaces the password by "***".
 */
import type { RedisOptions } from 'ioredis';
import { UserError } from '../../util/errors.ts';

export interface QueueTarget {
  /** ioredis options (BullMQ passes them on to every connection it opens) */
  redis: RedisOptions;
  /** the URL without its password, safe to print */
  shown: string;
}

/** The URL with its password (if any) replaced by "***"; a string that is not a URL is hidden completely. */
export function redactQueueUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // cannot tell where a password would be: show nothing of it
    return '<unparseable URL>';
  }
  if (u.password) u.password = '***';
  return u.toString();
}

/** Removes every occurrence of `secret` from a message (an error text from a client library, say). */
export function scrub(text: string, secret: string | undefined): string {
  if (!secret) return text;
  let out = text;
  for (const s of new Set([secret, encodeURIComponent(secret)])) out = out.split(s).join('***');
  return out;
}

export function parseQueueUrl(url: string): QueueTarget {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError('--queue is not a URL; give redis://[:password@]host:port[/db] (rediss:// for TLS)');
  }
  const shown = redactQueueUrl(url);
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') {
    throw new UserError(`--queue ${shown}: use a redis:// or rediss:// URL (got ${u.protocol.replace(/:$/, '')}://)`);
  }
  if (!u.hostname) throw new UserError(`--queue ${shown} names no host; give redis://[:password@]host:port[/db]`);
  const port = u.port ? Number(u.port) : 6379;
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!Number.isInteger(db) || db < 0) throw new UserError(`--queue ${shown}: the database after / must be a whole number`);
  const redis: RedisOptions = {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port,
    db,
    // BullMQ needs commands to wait through a reconnect (a Redis restart) instead of failing after a few retries
    maxRetriesPerRequest: null,
  };
  if (u.username) redis.username = decodeURIComponent(u.username);
  if (u.password) redis.password = decodeURIComponent(u.password);
  if (u.protocol === 'rediss:') redis.tls = { servername: redis.host };
  return { redis, shown };
}
