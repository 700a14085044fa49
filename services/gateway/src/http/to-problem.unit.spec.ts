import { describe, expect, it } from '@jest/globals';
import { HttpException, NotFoundException } from '@nestjs/common';
import { DomainFailure, domainError } from '@plass/contracts';
import { z } from 'zod';
import { HttpProblem } from './problem.js';
import { toProblem } from './to-problem.js';

const at = { method: 'GET', path: '/v1/bookings/1' };

describe('toProblem', () => {
  it('answers a domain failure with its catalog status and message', () => {
    const { body } = toProblem(new DomainFailure(domainError('booking.conflict', 'taken')), at);
    expect(body).toEqual({
      type: 'https://plass.dev/problems/booking.conflict',
      title: 'The space is already booked for that time',
      status: 409,
      code: 'booking.conflict',
      detail: 'taken',
      instance: '/v1/bookings/1',
    });
  });

  it('keeps the message of a service 5xx to itself', () => {
    const { body } = toProblem(new DomainFailure(domainError('service.unavailable', 'no answer on booking.qry.GetBooking')), at);
    expect(body).toMatchObject({ status: 503, code: 'service.unavailable' });
    expect(body.detail).toBeUndefined();
  });

  it('maps Fastify body errors, as Nest wraps them', () => {
    const fastifyError = (code: string, statusCode: number) => Object.assign(new Error(code), { code, statusCode, name: 'FastifyError' });
    const wrap = (error: Error) => new HttpException(error.message, (error as unknown as { statusCode: number }).statusCode, { cause: error });
    expect(toProblem(wrap(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413)), at).body.code).toBe('request.too_large');
    expect(toProblem(wrap(fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415)), at).body.code).toBe('request.unsupported_media_type');
    expect(toProblem(wrap(fastifyError('FST_ERR_CTP_INVALID_JSON_BODY', 400)), at).body.code).toBe('request.malformed');
    expect(toProblem(fastifyError('FST_ERR_BAD_URL', 400), at).body.code).toBe('request.malformed');
  });

  it('tells an unknown path (404) from a known path with another method (405 with Allow)', () => {
    expect(toProblem(new NotFoundException(), { method: 'GET', path: '/v1/nothing' }).body.code).toBe('route.not_found');
    const wrongMethod = toProblem(new NotFoundException(), { method: 'PUT', path: '/v1/bookings/abc' });
    expect(wrongMethod.body).toMatchObject({ status: 405, code: 'method.not_allowed' });
    expect(wrongMethod.headers).toEqual({ allow: 'DELETE, GET, HEAD, PATCH' });
  });

  it('answers anything unexpected as a bare 500, handing the error back for the log', () => {
    const bug = new TypeError('cannot read properties of undefined (reading "name")');
    for (const error of [bug, new z.ZodError([]), 'a string', null]) {
      const { body, unexpected } = toProblem(error, at);
      expect(body).toEqual({ type: 'https://plass.dev/problems/internal.error', title: 'Internal error', status: 500, code: 'internal.error', instance: at.path });
      expect(unexpected).toBe(error);
    }
    expect(toProblem(new HttpProblem('auth.forbidden'), at).unexpected).toBeUndefined();
  });
});
