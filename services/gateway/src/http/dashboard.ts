import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

const here = dirname(fileURLToPath(import.meta.url));
const uplot = dirname(createRequire(import.meta.url).resolve('uplot'));

/** The dashboard's files: the page and its script (no build step) and uPlot, read once at start. */
const assets: Record<string, { file: string; type: string }> = {
  '/analytics': { file: join(here, '..', '..', 'dashboard', 'index.html'), type: 'text/html; charset=utf-8' },
  '/analytics/dashboard.js': { file: join(here, '..', '..', 'dashboard', 'dashboard.js'), type: 'text/javascript; charset=utf-8' },
  '/analytics/dashboard.css': { file: join(here, '..', '..', 'dashboard', 'dashboard.css'), type: 'text/css; charset=utf-8' },
  '/analytics/uplot.js': { file: join(uplot, 'uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  '/analytics/uplot.css': { file: join(uplot, 'uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

/** Only the page's own files, no inline script, and the API on the same origin. */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

/**
 * The analysts' dashboard at `/analytics`: static files outside the API's route table. The page
 * logs in with the analyst's credentials and reads the analytics API like any client.
 */
@Injectable()
export class DashboardRoutes implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    for (const [url, { file, type }] of Object.entries(assets)) {
      const body = readFileSync(file);
      fastify.get(url, async (_request, reply) => reply.headers({ ...SECURITY_HEADERS, 'content-type': type }).send(body));
    }
  }
}
