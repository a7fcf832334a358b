/**
 * The request signers against the providers' own published examples. Each vector is
 * copied from the document named above it; none is computed by this project.
 */
import { describe, expect, it } from 'vitest';
import { acs3Authorization, acs3Sign, canonicalQuery, parseAcs3Authorization, percentEncode } from '../src/aliyun/acs3';
import { md5Hex } from '../src/md5';
import { beijingTimestamp } from '../src/sms/yuntongxun';
import { parseTc3Authorization, tc3Authorization, tc3Sign } from '../src/tencent/tc3';

describe('TC3-HMAC-SHA256 (Tencent Cloud API 3.0)', () => {
  // Tencent Cloud API documentation, "签名方法 v3" / "Signature v3" (cloud.tencent.com/document/api/213/30654
  // and the same page in every product's API docs): CVM DescribeInstances in ap-guangzhou,
  // SecretId AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE, SecretKey Gu5t9xGARNpq86cd98joQYCN3EXAMPLE,
  // X-TC-Timestamp 1551113065, signed headers content-type;host, and this body, with its \u escapes as text.
  const payload = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';
  const example = {
    secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
    service: 'cvm',
    timestamp: 1551113065,
    headers: [
      ['Content-Type', 'application/json; charset=utf-8'],
      ['Host', 'cvm.tencentcloudapi.com'],
    ] as const,
    payload,
  };

  it('reproduces the document\'s canonical request, string to sign and signature', async () => {
    const signed = await tc3Sign(example);
    expect(signed.canonicalRequest).toBe(
      'POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n' +
        '35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064',
    );
    expect(signed.stringToSign).toBe(
      'TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031',
    );
    expect(signed.signature).toBe('72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168');
    expect(tc3Authorization('AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE', 'cvm', signed)).toBe(
      'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, ' +
        'SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
    );
  });

  it('scopes the key with the UTC date (1551113065 is 2019-02-26 00:44 in Beijing, 2019-02-25 in UTC)', async () => {
    expect((await tc3Sign(example)).date).toBe('2019-02-25');
  });

  it('changes the signature when one byte of the body, a header, the timestamp or the key changes', async () => {
    const base = (await tc3Sign(example)).signature;
    const variants = [
      { ...example, payload: payload.replace('1', '2') },
      { ...example, headers: [example.headers[0], ['Host', 'cvm.tencentcloudapi.con']] as const },
      { ...example, timestamp: example.timestamp + 1 },
      { ...example, secretKey: `${example.secretKey.slice(0, -1)}F` },
      { ...example, service: 'sms' },
    ];
    for (const variant of variants) expect((await tc3Sign(variant)).signature).not.toBe(base);
  });

  it('reads back the Authorization it writes, and nothing else', async () => {
    const header = tc3Authorization('AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE', 'cvm', await tc3Sign(example));
    expect(parseTc3Authorization(header)).toEqual({
      secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
      date: '2019-02-25',
      service: 'cvm',
      signedHeaders: ['content-type', 'host'],
      signature: '72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
    });
    expect(parseTc3Authorization(header.replace('TC3-', 'TC2-'))).toBeNull();
    expect(parseTc3Authorization(header.slice(0, -1))).toBeNull();
  });
});

describe('ACS3-HMAC-SHA256 (Alibaba Cloud V3 signature)', () => {
  // Alibaba Cloud documentation, "V3 请求体&签名机制" / "Request syntax and signature method V3"
  // (help.aliyun.com/zh/sdk/product-overview/v3-request-structure-and-signature), "Fixed parameter
  // values": ECS RunInstances, AccessKey YourAccessKeyId / YourAccessKeySecret, nonce
  // 3156853299f313e23d1673dc12e1703d, x-acs-date 2023-10-26T10:22:32Z, empty body.
  const example = {
    secret: 'YourAccessKeySecret',
    method: 'POST',
    uri: '/',
    query: { RegionId: 'cn-shanghai', ImageId: 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd' },
    headers: [
      ['x-acs-version', '2014-05-26'],
      ['host', 'ecs.cn-shanghai.aliyuncs.com'],
      ['x-acs-date', '2023-10-26T10:22:32Z'],
      ['x-acs-action', 'RunInstances'],
      ['x-acs-signature-nonce', '3156853299f313e23d1673dc12e1703d'],
      ['x-acs-content-sha256', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ] as const,
    payloadHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  };

  it('reproduces the document\'s canonical request, string to sign and signature', async () => {
    const signed = await acs3Sign(example);
    expect(signed.canonicalRequest).toBe(
      [
        'POST',
        '/',
        'ImageId=win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd&RegionId=cn-shanghai',
        'host:ecs.cn-shanghai.aliyuncs.com\nx-acs-action:RunInstances\n' +
          'x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n' +
          'x-acs-date:2023-10-26T10:22:32Z\nx-acs-signature-nonce:3156853299f313e23d1673dc12e1703d\nx-acs-version:2014-05-26\n',
        'host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version',
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      ].join('\n'),
    );
    expect(signed.stringToSign).toBe('ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259');
    expect(signed.signature).toBe('06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0');
    const header = acs3Authorization('YourAccessKeyId', signed);
    expect(header).toBe(
      'ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;' +
        'x-acs-signature-nonce;x-acs-version,Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0',
    );
    expect(parseAcs3Authorization(header)?.signedHeaders).toHaveLength(6);
  });

  it('percent-encodes as RFC 3986 asks (the document\'s table: space %20, * %2A, ~ kept)', () => {
    expect(percentEncode('a b*c~d')).toBe('a%20b%2Ac~d');
    expect(percentEncode('{"code":"123456"}')).toBe('%7B%22code%22%3A%22123456%22%7D');
    expect(percentEncode("!'()")).toBe('%21%27%28%29');
    expect(percentEncode('美多')).toBe('%E7%BE%8E%E5%A4%9A');
    expect(canonicalQuery({ b: '2', a: '1 1', A: 'x' })).toBe('A=x&a=1%201&b=2');
  });
});

describe('MD5 (容联云 sig)', () => {
  // RFC 1321, appendix A.5 "Test suite".
  it.each([
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
    ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', '57edf4a22be3c955ac49da2e2107b67a'],
  ])('MD5(%j) = %s', (input, digest) => {
    expect(md5Hex(input)).toBe(digest);
  });

  it('hashes UTF-8 and inputs spanning many blocks', () => {
    // Reference digests from coreutils `md5sum` of the same UTF-8 bytes.
    expect(md5Hex('美多商城验证码')).toBe('0eecbe0f87f3e6642bdbeeb8f9fbdc9c');
    expect(md5Hex('x'.repeat(1000))).toBe('398533d48111e9f664b1f64cb10c4b63');
  });

  it('writes the timestamp in Beijing time, yyyyMMddHHmmss', () => {
    expect(beijingTimestamp(Date.UTC(2014, 3, 16, 6, 20, 30))).toBe('20140416142030');
    expect(beijingTimestamp(Date.UTC(2019, 1, 25, 16, 44, 25))).toBe('20190226004425');
  });
});
