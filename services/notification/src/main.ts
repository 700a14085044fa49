import { createServer } from 'node:http';
import { join } from 'node:path';
import { applyNice, createLogger, initTracing } from '@plass/telemetry';
import { parseSmtpConfig, startMailSink } from './delivery/index.js';
import { startNotificationService } from './notification-service.js';

const env = process.env;
const dataDir = env.PLASS_DATA_DIR ?? '.data';
const logger = createLogger({ service: 'notification', level: env.PLASS_LOG_LEVEL, file: join(dataDir, 'logs', 'notification.log') });
initTracing({ serviceName: 'notification' });

try {
  applyNice(env, logger);
  let smtp = parseSmtpConfig(env);
  if (!smtp) {
    // No provider configured (npm start on a laptop): an embedded sink logs each mail instead of sending it.
    const sink = await startMailSink({ port: Number(env.PLASS_SMTP_SINK_PORT ?? 0), logger });
    logger.warn({ port: sink.port }, 'no SMTP provider configured (PLASS_SMTP_PRIMARY_URL): mails go to the embedded sink, which logs and discards them');
    smtp = parseSmtpConfig({ PLASS_SMTP_PRIMARY_URL: `smtp://127.0.0.1:${sink.port}` })!;
  }
  const service = await startNotificationService({
    natsUrl: env.NATS_URL ?? 'nats://127.0.0.1:4222',
    dataDir,
    projectionStore: env.PLASS_PROJECTION_STORE === 'mongodb' ? 'mongodb' : 'sqlite',
    mongodbUrl: env.MONGODB_URL,
    smtp,
    defaults: {
      sender: { address: env.PLASS_MAIL_FROM_ADDRESS || 'no-reply@plass.invalid', name: env.PLASS_MAIL_FROM_NAME || 'plass' },
      baseUrl: (env.PLASS_PUBLIC_URL || `http://127.0.0.1:${env.PLASS_GATEWAY_PORT || '8080'}`).replace(/\/+$/, ''),
    },
    logger,
    enableShutdownHooks: true,
    ...(env.PLASS_NOTIFICATION_CLAIM_MS ? { claimMs: Math.max(1000, Number(env.PLASS_NOTIFICATION_CLAIM_MS)) } : {}),
    ...(env.PLASS_SMTP_BREAKER_COOLDOWN_MS ? { breakerCoolDownMs: Math.max(100, Number(env.PLASS_SMTP_BREAKER_COOLDOWN_MS)) } : {}),
    ...(env.PLASS_NOTIFICATION_DELIVER_INTERVAL_MS ? { deliverEveryMs: Math.max(50, Number(env.PLASS_NOTIFICATION_DELIVER_INTERVAL_MS)) } : {}),
  });
  const metricsPort = env.PLASS_NOTIFICATION_METRICS_PORT;
  if (metricsPort) {
    // Prometheus scrapes the mail counters, the queue depth and the breaker state here.
    createServer((request, response) => {
      if (request.url !== '/metrics') return void response.writeHead(404).end();
      void service.metrics.render().then((body) => response.writeHead(200, { 'content-type': service.metrics.contentType }).end(body));
    }).listen(Number(metricsPort), env.PLASS_NOTIFICATION_METRICS_HOST || '127.0.0.1');
  }
} catch (error) {
  logger.error({ err: error }, 'notification service failed to start');
  process.exit(1);
}
