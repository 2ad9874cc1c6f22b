/** The digest math against the RFCs' worked examples, and the reading of credentials and writing of challenges. */
import { describe, expect, it } from 'vitest';
import {
  challengeHeader,
  credentialsHash,
  digestAlgorithmOf,
  authorizationHeader,
  digestResponse,
  digestsEqual,
  parseDigestChallenge,
  parseDigestCredentials,
} from '../../../../electron/net/digest';

describe('digestResponse against the RFC examples', () => {
  // RFC 7616 §3.9.1: one request answered with both algorithms.
  const rfc7616 = {
    username: 'Mufasa',
    realm: 'http-auth@example.org',
    password: 'Circle of Life',
    method: 'GET',
    uri: '/dir/index.html',
    nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
    nc: '00000001',
    cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  };

  it('given RFC 7616 §3.9.1 with MD5, then the response is the RFC’s 8ca523f5…', () => {
    const ha1 = credentialsHash('MD5', rfc7616.username, rfc7616.realm, rfc7616.password);
    expect(digestResponse(ha1, { ...rfc7616, algorithm: 'MD5' })).toBe('8ca523f5e9506fed4657c9700eebdbec');
  });

  it('given RFC 7616 §3.9.1 with SHA-256, then the response is the RFC’s 753927fa…', () => {
    const ha1 = credentialsHash('SHA-256', rfc7616.username, rfc7616.realm, rfc7616.password);
    expect(digestResponse(ha1, { ...rfc7616, algorithm: 'SHA-256' })).toBe(
      '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    );
  });

  it('given RFC 2617 §3.5 (MD5, qop=auth), then the response is the RFC’s 6629fae4…', () => {
    const ha1 = credentialsHash('MD5', 'Mufasa', 'testrealm@host.com', 'Circle Of Life');
    const response = digestResponse(ha1, {
      algorithm: 'MD5',
      method: 'GET',
      uri: '/dir/index.html',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      nc: '00000001',
      cnonce: '0a4f113b',
    });
    expect(response).toBe('6629fae49393a05397450978507c4ef1');
  });
});

describe('digestsEqual', () => {
  it('given the same digest in another case, then equal; a different or shorter one, then not', () => {
    expect(digestsEqual('6629FAE49393a05397450978507c4ef1', '6629fae49393a05397450978507c4ef1')).toBe(true);
    expect(digestsEqual('6629fae49393a05397450978507c4ef2', '6629fae49393a05397450978507c4ef1')).toBe(false);
    expect(digestsEqual('6629fae4', '6629fae49393a05397450978507c4ef1')).toBe(false);
  });
});

describe('parseDigestCredentials', () => {
  it('given the RFC 2617 §3.5 Authorization, then every parameter is read, quotes removed', () => {
    const credentials = parseDigestCredentials(
      'Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", ' +
        'qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    );
    expect(credentials).toEqual({
      username: 'Mufasa',
      realm: 'testrealm@host.com',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      uri: '/dir/index.html',
      response: '6629fae49393a05397450978507c4ef1',
      algorithm: 'MD5',
      opaque: '5ccc069c403ebaf9f0171e9517f40e41',
      qop: 'auth',
      nc: '00000001',
      cnonce: '0a4f113b',
    });
  });

  it('given a comma inside a quoted value and sip.js’s spelling (lower-case scheme, algorithm), then read as one value', () => {
    const credentials = parseDigestCredentials(
      'digest username="a,b",realm="r",nonce="n",uri="sip:x@y",response="00",algorithm=SHA-256,qop=auth,nc=00000002,cnonce="c"',
    );
    expect(credentials).toMatchObject({ username: 'a,b', algorithm: 'SHA-256', nc: '00000002' });
  });

  it('given another scheme, a missing response or a repeated parameter, then null', () => {
    expect(parseDigestCredentials('Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==')).toBeNull();
    expect(parseDigestCredentials('Digest username="a", realm="r", nonce="n", uri="sip:x"')).toBeNull();
    expect(parseDigestCredentials('Digest username="a", username="b", realm="r", nonce="n", uri="sip:x", response="0"')).toBeNull();
  });
});

describe('challengeHeader and digestAlgorithmOf', () => {
  it('given a stale challenge, then every parameter RFC 7616 §3.3 names is written, stale last', () => {
    expect(challengeHeader({ realm: 'example.com', nonce: 'N', opaque: 'O', algorithm: 'SHA-256', stale: true })).toBe(
      'Digest realm="example.com", nonce="N", opaque="O", algorithm=SHA-256, qop="auth", stale=true',
    );
    expect(challengeHeader({ realm: 'example.com', nonce: 'N', opaque: 'O', algorithm: 'MD5', stale: false })).not.toContain('stale');
  });

  it('given algorithm names in any case, then ours are recognised and -sess is not', () => {
    expect(digestAlgorithmOf('sha-256')).toBe('SHA-256');
    expect(digestAlgorithmOf('md5')).toBe('MD5');
    expect(digestAlgorithmOf('MD5-sess')).toBeNull();
  });
});

describe('the client side: reading a challenge and answering it', () => {
  it('given the RFC 7616 §3.9.1 challenge, when answered, then the Authorization carries the RFC’s SHA-256 response', () => {
    const challenge = parseDigestChallenge(
      'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, ' +
        'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    );
    expect(challenge).toMatchObject({ realm: 'http-auth@example.org', algorithm: 'SHA-256', stale: false });
    if (challenge === null) throw new Error('challenge not read');
    const answer = authorizationHeader(challenge, {
      username: 'Mufasa',
      password: 'Circle of Life',
      method: 'GET',
      uri: '/dir/index.html',
      nonceCount: 1,
      cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    });
    expect(parseDigestCredentials(answer)).toMatchObject({
      username: 'Mufasa',
      nc: '00000001',
      qop: 'auth',
      opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
      response: '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
    });
  });

  it('given our own challenge with stale=true, then it is read as stale; one that is not Digest or names no nonce is not read', () => {
    const ours = challengeHeader({ realm: 'example.com', nonce: 'n1', opaque: 'o1', algorithm: 'MD5', stale: true });
    expect(parseDigestChallenge(ours)).toEqual({
      realm: 'example.com',
      nonce: 'n1',
      opaque: 'o1',
      algorithm: 'MD5',
      offersQopAuth: true,
      stale: true,
    });
    expect(parseDigestChallenge('Basic realm="example.com"')).toBeNull();
    expect(parseDigestChallenge('Digest realm="example.com"')).toBeNull();
    expect(parseDigestChallenge('Digest realm="example.com", nonce="n", algorithm=SHA-512-256')).toBeNull();
  });
});
