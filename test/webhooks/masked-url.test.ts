// How a hook URL is shown to those who may read a room but not manage it.
import { describe, expect, test } from 'vitest';
import { maskedHook, maskedUrl } from '../../src/webhooks/masked-url.js';

describe('maskedUrl', () => {
  test.each([
    ['https://user:pa55word@example.com/hook?token=abc&x=1', 'https://***:***@example.com/hook?token=***&x=1'],
    ['https://tok3n0nly1234567890@example.com/', 'https://***@example.com/'],
    ['https://example.com/hook?id=42&sig=zzz&api_key=1&page=2', 'https://example.com/hook?id=42&sig=***&api_key=***&page=2'],
    ['https://example.com/a?v=aB3dE5fG7hJ9kL1mN', 'https://example.com/a?v=***'],
    ['https://hooks.slack.com/services/T0000000/B0000000/XXXXXXXXXXXXXXXXXXXXXXX1', 'https://hooks.slack.com/services/T0000000/B0000000/***'],
    ['https://example.com/hooks/incoming?room=general', 'https://example.com/hooks/incoming?room=general'],
  ])('%s', (url, shown) => expect(maskedUrl(url)).toBe(shown));

  test('a hook\'s last error that quotes its URL quotes the masked one', () => {
    const url = 'https://u:p@example.com/h';
    const hook = { id: 'wh_1', roomId: 'r', url, state: 'active' as const, createdAt: '', lastDeliveredSeq: 0, failures: 1, lastError: `POST ${url}: 500` };
    expect(maskedHook(hook)).toMatchObject({ url: 'https://***:***@example.com/h', lastError: 'POST https://***:***@example.com/h: 500' });
  });
});
