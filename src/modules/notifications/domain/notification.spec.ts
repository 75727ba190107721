import { createHmac } from 'node:crypto';
import { maskContact, maskedPayload, messageText, retryPlan, signWebhook } from './notification';

describe('notification domain', () => {
  it('masks a contact so an admin can tell two apart but not call either', () => {
    expect(maskContact('+77011234567')).toBe('+7701*****67');
    expect(maskContact('12345')).toBe('*****');
    const masked = maskedPayload({
      notificationId: 'n',
      kind: 'order_served',
      channel: 'sms',
      to: '+77011234567',
      caseRef: 'c',
      at: '2029-01-01T00:00:00.000Z',
      text: 't',
    });
    expect(masked?.to).toBe('+7701*****67');
    expect(JSON.stringify(masked)).not.toContain('1234567');
  });

  it('signs "<timestamp>.<body>" with HMAC-SHA256, as the signed intake does', () => {
    const expected = createHmac('sha256', 'k').update('1700000000.{"a":1}').digest('hex');
    expect(signWebhook('k', '1700000000', '{"a":1}')).toBe(`sha256=${expected}`);
    expect(signWebhook('k', '1700000001', '{"a":1}')).not.toBe(`sha256=${expected}`);
  });

  it('turns the rule set’s attempts into pg-boss retries after the first', () => {
    expect(retryPlan(6, 10)).toEqual({ retryLimit: 5, retryDelay: 10, retryBackoff: true });
    expect(retryPlan(1, 0)).toEqual({ retryLimit: 0, retryDelay: 1, retryBackoff: true });
  });

  it('writes the message in Kazakhstan time and names nobody', () => {
    const text = messageText('offender_released', new Date('2029-02-04T05:00:00.000Z'));
    expect(text).toContain('04.02.2029, 10:00');
    expect(text).not.toMatch(/полиц/i);
  });
});
