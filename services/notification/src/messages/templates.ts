import Handlebars from 'handlebars';

/** What a mail says, before it is laid out as HTML or text. Every string is plain text. */
export interface MailContent {
  lang: string;
  subject: string;
  tenantName: string;
  greeting: string;
  paragraphs: string[];
  details: Array<{ label: string; value: string }>;
  actions: Array<{ label: string; url: string }>;
  notes: string[];
  footer: string;
}

const body = `
<p style="margin:0 0 16px;">{{greeting}}</p>
{{#each paragraphs}}
<p style="margin:0 0 16px;">{{this}}</p>
{{/each}}
{{#if details.length}}
<table role="presentation" cellpadding="0" cellspacing="0" style="margin:0 0 16px;border-collapse:collapse;">
{{#each details}}
<tr><th align="left" valign="top" style="padding:4px 16px 4px 0;font-weight:normal;color:#52525b;">{{label}}</th><td style="padding:4px 0;">{{value}}</td></tr>
{{/each}}
</table>
{{/if}}
{{#each actions}}
<p style="margin:0 0 16px;"><a href="{{url}}" style="display:inline-block;padding:10px 16px;border-radius:6px;background:#1d4ed8;color:#ffffff;text-decoration:none;">{{label}}</a></p>
{{/each}}
{{#each notes}}
<p style="margin:0 0 12px;font-size:13px;color:#52525b;">{{this}}</p>
{{/each}}
`;

const layout = `<!DOCTYPE html>
<html lang="{{lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{subject}}</title>
</head>
<body style="margin:0;padding:24px;background:#f4f4f5;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#18181b;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;">
<tr><td style="padding:24px 24px 0;font-size:13px;color:#71717a;">{{tenantName}}</td></tr>
<tr><td style="padding:16px 24px 8px;">
{{> body}}
</td></tr>
<tr><td style="padding:16px 24px;border-top:1px solid #e4e4e7;font-size:12px;color:#71717a;">{{footer}}</td></tr>
</table>
</body>
</html>
`;

const handlebars = Handlebars.create();
handlebars.registerPartial('body', body);
const html = handlebars.compile<MailContent>(layout, { strict: true });

export const renderHtml = (content: MailContent): string => html(content);

export function renderText(content: MailContent): string {
  const blocks = [
    content.greeting,
    ...content.paragraphs,
    content.details.map(({ label, value }) => `${label}: ${value}`).join('\n'),
    ...content.actions.map(({ label, url }) => `${label}: ${url}`),
    ...content.notes,
    `-- \n${content.footer}`,
  ];
  return `${blocks.filter((block) => block !== '').join('\n\n')}\n`;
}

/** Links go into href attributes and calendar URLs: only web addresses, never `javascript:` and the like. */
export function webLink(url: string): string {
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new RangeError(`not a web link: ${url}`);
  return parsed.href;
}
