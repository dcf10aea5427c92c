// The bundled UI is served with the right content types and revalidating cache headers.
import { describe, expect, test } from 'vitest';
import { UI_DIR } from '../../src/paths.js';
import { testApp } from '../helpers/app.js';

describe('UI files', () => {
  test.each([
    ['/', /^text\/html/],
    ['/app.js', /^(text|application)\/javascript/],
    ['/styles.css', /^text\/css/],
  ])('%s', async (path, type) => {
    const { app } = await testApp({ uiDir: UI_DIR });
    const res = await app.request(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(type);
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  test('an unknown path outside /agent is a JSON 404, not the page', async () => {
    const { app } = await testApp({ uiDir: UI_DIR });
    const res = await app.request('/no/such/file.js');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
