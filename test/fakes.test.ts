import { describe, expect, it } from 'vitest';
import { createFakes, route, type FakeService } from '../fakes/app';
import { PRESET_USERS } from '../fakes/qq/state';
import { TEST_SETTINGS } from './settings';

/** Answers with the URL and method it received, so the routing can be read off. */
function recorder(name: string): FakeService {
  return {
    async fetch(input, init) {
      const request = new Request(input, init);
      return Response.json({ name, url: request.url, method: request.method, body: await request.text() });
    },
  };
}

async function served(response: Response): Promise<{ name: string; url: string; method: string; body: string }> {
  expect(response.status).toBe(200);
  return response.json();
}

describe('fakes: one router for every fake service', () => {
  it('finds the fake QQ by the host the test settings name, and nothing for any other host', async () => {
    const fakes = createFakes();
    const base = new URL(TEST_SETTINGS.QQ_API_BASE);
    expect(fakes.byHost(base)).toBe(fakes.qq);
    expect(fakes.byHost(new URL('https://graph.qq.com/oauth2.0/me'))).toBeNull();
    expect(fakes.byHost(new URL(`http://${base.hostname}:8080/`))).toBeNull();
  });

  it('serves the fake QQ at the root of the dev server, controls included', async () => {
    const fakes = createFakes();
    const response = await fakes.serve(new Request('http://localhost:8788/__fake/users'));
    const { users } = await response.json<{ users: { openid: string }[] }>();
    expect(users.map((user) => user.openid)).toEqual(PRESET_USERS.map((user) => user.openid));
  });

  it('hands a prefixed request to its fake without the prefix, the longest prefix first', async () => {
    const root = recorder('root');
    const sms = recorder('sms');
    const tencent = recorder('tencent');
    const router = route([
      { host: 'root.test', prefix: '', service: root },
      { host: 'sms.test', prefix: '/sms', service: sms },
      { host: 'tencent.test', prefix: '/sms/tencent', service: tencent },
    ]);
    const post = await served(await router.serve(new Request('http://localhost:8788/sms/tencent/send?x=1', { method: 'POST', body: 'hi' })));
    expect(post).toEqual({ name: 'tencent', url: 'http://localhost:8788/send?x=1', method: 'POST', body: 'hi' });
    expect((await served(await router.serve(new Request('http://localhost:8788/sms/tencent')))).url).toBe('http://localhost:8788/');
    expect((await served(await router.serve(new Request('http://localhost:8788/sms/aliyun')))).name).toBe('sms');
    // A prefix matches whole path segments only.
    const other = await served(await router.serve(new Request('http://localhost:8788/smsx/send')));
    expect(other).toMatchObject({ name: 'root', url: 'http://localhost:8788/smsx/send' });
    expect(router.byHost(new URL('http://tencent.test/send'))).toBe(tencent);
  });

  it('answers 404 where no fake is mounted, and refuses a malformed prefix', async () => {
    const router = route([{ host: 'sms.test', prefix: '/sms/tencent', service: recorder('tencent') }]);
    expect((await router.serve(new Request('http://localhost:8788/oauth2.0/me'))).status).toBe(404);
    expect(() => route([{ host: 'x.test', prefix: 'sms/', service: recorder('x') }])).toThrow(/prefix/);
    expect(() => route([{ host: 'x.test', prefix: '/sms/../qq', service: recorder('x') }])).toThrow(/prefix/);
  });
});
