import { localGatewayUrl } from '../../../tools/lib/local-gateway';

describe('Function: localGatewayUrl', () => {
  it.each([
    { case: 'PORT unset: npm start’s default port', env: {}, url: 'http://127.0.0.1:3000' },
    { case: 'PORT empty: the default port too', env: { PORT: '' }, url: 'http://127.0.0.1:3000' },
    { case: 'PORT set', env: { PORT: '4010' }, url: 'http://127.0.0.1:4010' },
  ])('$case', ({ env, url }) => {
    expect(localGatewayUrl(env)).toBe(url);
  });
});
