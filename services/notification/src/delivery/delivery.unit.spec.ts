import { describe, expect, it } from '@jest/globals';
import { retryDelay } from './backoff.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { redactAddresses } from './mail-sender.js';
import { SmtpConfigError, parseSmtpConfig } from './smtp-config.js';

describe('SMTP settings', () => {
  it('read both providers, their TLS mode and credentials', () => {
    expect(parseSmtpConfig({ PLASS_SMTP_PRIMARY_URL: 'smtps://mailer%40acme:p%40ss@smtp.acme.example', PLASS_SMTP_SECONDARY_URL: 'smtp://backup.example:2525' })).toEqual({
      primary: { name: 'primary', host: 'smtp.acme.example', port: 465, secure: true, requireTls: false, auth: { user: 'mailer@acme', pass: 'p@ss' } },
      secondary: { name: 'secondary', host: 'backup.example', port: 2525, secure: false, requireTls: true },
    });
    expect(parseSmtpConfig({})).toBeUndefined();
  });

  it('require STARTTLS to any host but loopback, unless plaintext is allowed', () => {
    for (const host of ['127.0.0.1', 'localhost', '[::1]']) expect(parseSmtpConfig({ PLASS_SMTP_PRIMARY_URL: `smtp://${host}:2525` })?.primary.requireTls).toBe(false);
    expect(parseSmtpConfig({ PLASS_SMTP_PRIMARY_URL: 'smtp://10.0.0.7:25' })?.primary.requireTls).toBe(true);
    expect(parseSmtpConfig({ PLASS_SMTP_PRIMARY_URL: 'smtp://10.0.0.7:25', PLASS_SMTP_ALLOW_PLAINTEXT: 'true' })?.primary.requireTls).toBe(false);
  });

  it('refuse what is not an SMTP URL, without showing the password', () => {
    const refuse = (env: NodeJS.ProcessEnv) => {
      try {
        parseSmtpConfig(env);
      } catch (error) {
        expect(error).toBeInstanceOf(SmtpConfigError);
        return (error as Error).message;
      }
      throw new Error('accepted');
    };
    expect(refuse({ PLASS_SMTP_PRIMARY_URL: 'https://user:hunter2@mail.example' })).not.toContain('hunter2');
    expect(refuse({ PLASS_SMTP_PRIMARY_URL: 'not a url' })).toMatch(/PLASS_SMTP_PRIMARY_URL/);
    expect(refuse({ PLASS_SMTP_SECONDARY_URL: 'smtp://b.example' })).toMatch(/without PLASS_SMTP_PRIMARY_URL/);
    expect(refuse({ PLASS_SMTP_PRIMARY_URL: 'smtp://a.example', PLASS_SMTP_ALLOW_PLAINTEXT: 'yes' })).toMatch(/true or false/);
  });
});

describe('circuit breaker', () => {
  it('opens after consecutive failures, lets one probe through after the cool-down, and closes on its success', () => {
    let now = 0;
    const breaker = new CircuitBreaker({ failures: 3, coolDownMs: 30_000, now: () => now });
    breaker.failed();
    breaker.failed();
    breaker.succeeded();
    breaker.failed();
    breaker.failed();
    expect(breaker.state).toBe('closed');
    breaker.failed();
    expect([breaker.state, breaker.allows()]).toEqual(['open', false]);
    now += 29_999;
    expect(breaker.allows()).toBe(false);
    now += 1;
    expect([breaker.state, breaker.allows()]).toEqual(['half_open', true]);
    breaker.failed();
    expect(breaker.state).toBe('open');
    now += 30_000;
    breaker.succeeded();
    expect(breaker.state).toBe('closed');
  });
});

describe('retry backoff', () => {
  it('grows exponentially under its cap with full jitter, and ends after the last attempt', () => {
    expect([1, 2, 3, 4].map((attempt) => retryDelay(attempt, { random: () => 1 }))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelay(3, { random: () => 0.5 })).toBe(2000);
    expect(retryDelay(20, { random: () => 1, maxAttempts: 30 })).toBe(15 * 60_000);
    expect(retryDelay(7, { random: () => 1 })).toBe(64_000);
    expect(retryDelay(8, { random: () => 1 })).toBeUndefined();
  });
});

it('redacts addresses SMTP replies echo', () => {
  expect(redactAddresses('550 5.1.1 <kari.nordmann@example.test>: Recipient address rejected')).toBe('550 5.1.1 <<redacted>>: Recipient address rejected');
});
