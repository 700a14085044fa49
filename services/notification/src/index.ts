export { startNotificationService, type NotificationService, type NotificationServiceConfig } from './notification-service.js';
export * from './projection.js';
export { MAILS, type MailDocument } from './outbox.js';
export { parseSmtpConfig, startMailSink, type SmtpConfig } from './delivery/index.js';
export { startTestSmtp, type TestSmtp, type ReceivedMail } from './test-support/test-smtp.js';
