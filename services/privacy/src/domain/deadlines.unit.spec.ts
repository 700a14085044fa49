import { dueDateOf, isOverdue } from './deadlines.js';

describe('the one-month deadline (Art. 12(3))', () => {
  it('falls on the same date and time of the next month', () => {
    expect(dueDateOf('2030-03-10T09:15:00.000Z')).toBe('2030-04-10T09:15:00.000Z');
    expect(dueDateOf('2030-12-15T23:59:59.999Z')).toBe('2031-01-15T23:59:59.999Z');
  });

  it('falls on the last day of a shorter month', () => {
    expect(dueDateOf('2031-01-31T10:00:00.000Z')).toBe('2031-02-28T10:00:00.000Z');
    expect(dueDateOf('2032-01-31T10:00:00.000Z')).toBe('2032-02-29T10:00:00.000Z');
    expect(dueDateOf('2032-01-29T10:00:00.000Z')).toBe('2032-02-29T10:00:00.000Z');
    expect(dueDateOf('2030-03-31T00:00:00.000Z')).toBe('2030-04-30T00:00:00.000Z');
    expect(dueDateOf('2030-08-31T12:00:00.000Z')).toBe('2030-09-30T12:00:00.000Z');
  });

  it('reads offsets as UTC', () => {
    expect(dueDateOf('2030-01-31T23:30:00+01:00')).toBe('2030-02-28T22:30:00.000Z');
  });

  it('is overdue only while pending, after the due date', () => {
    const dueAt = '2030-04-10T09:15:00.000Z';
    expect(isOverdue({ status: 'pending', dueAt }, new Date('2030-04-10T09:15:00.000Z'))).toBe(false);
    expect(isOverdue({ status: 'pending', dueAt }, new Date('2030-04-10T09:15:00.001Z'))).toBe(true);
    expect(isOverdue({ status: 'completed', dueAt }, new Date('2031-01-01T00:00:00.000Z'))).toBe(false);
    expect(isOverdue({ status: 'refused', dueAt }, new Date('2031-01-01T00:00:00.000Z'))).toBe(false);
  });
});
