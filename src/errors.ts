import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Lang } from './lang';

/** Every error code of the contract, with its status and its message in each language. */
export const ERRORS = {
  invalid_json: { status: 400, zh: '请求体不是有效的 JSON 对象', en: 'The request body is not a valid JSON object' },
  invalid_request: { status: 400, zh: '请求参数有误', en: 'Some fields are missing or invalid' },
  invalid_next: { status: 400, zh: '不允许跳转到该地址', en: 'That redirect target is not allowed' },
  invalid_state: { status: 400, zh: '登录状态已失效，请重新发起 QQ 登录', en: 'The login state is invalid or expired; please start the QQ login again' },
  qq_code_invalid: { status: 400, zh: 'QQ 授权码无效或已使用，请重新登录', en: 'QQ refused the authorization code; please log in again' },
  invalid_bind_ticket: { status: 400, zh: '绑定凭证无效或已过期，请重新进行 QQ 登录', en: 'The bind ticket is invalid or expired; please log in with QQ again' },
  invalid_sms_code: { status: 400, zh: '短信验证码错误', en: 'The SMS code is wrong or expired' },
  invalid_captcha: { status: 400, zh: '请先完成人机验证', en: 'Please complete the captcha' },
  invalid_credentials: { status: 401, zh: '用户名或密码错误', en: 'Wrong username or password' },
  unauthorized: { status: 401, zh: '请先登录', en: 'Please log in' },
  qq_token_invalid: { status: 401, zh: 'QQ 访问令牌无效', en: 'The QQ access token is invalid' },
  not_found: { status: 404, zh: '资源不存在', en: 'Not found' },
  method_not_allowed: { status: 405, zh: '不支持该请求方法', en: 'Method not allowed' },
  qq_already_bound: { status: 409, zh: '该 QQ 已绑定其他账号', en: 'This QQ account is already bound to an account' },
  account_already_bound: { status: 409, zh: '该账号已绑定其他 QQ', en: 'This account already has a QQ account bound' },
  mobile_taken: { status: 409, zh: '该手机号已注册', en: 'This mobile number is already registered' },
  nickname_taken: { status: 409, zh: '该昵称已被使用', en: 'This nickname is already taken' },
  payload_too_large: { status: 413, zh: '请求体过大', en: 'The request body is too large' },
  unsupported_media_type: { status: 415, zh: '请求体必须是 JSON', en: 'The request body must be JSON' },
  sms_too_frequent: { status: 429, zh: '短信发送过于频繁，请稍后再试', en: 'An SMS was sent recently; please wait before asking again' },
  sms_code_locked: { status: 429, zh: '验证码错误次数过多，请重新获取', en: 'Too many wrong SMS codes; please request a new one' },
  too_many_attempts: { status: 429, zh: '尝试次数过多，请稍后再试', en: 'Too many failed attempts; please try again later' },
  qq_unavailable: { status: 502, zh: 'QQ 服务暂时不可用，请稍后重试', en: 'QQ is unavailable right now; please try again' },
  sms_send_failed: { status: 502, zh: '短信发送失败，请稍后重试', en: 'The SMS could not be sent; please try again' },
  captcha_unavailable: { status: 502, zh: '人机验证服务暂时不可用，请稍后重试', en: 'The captcha service is unavailable right now; please try again' },
  internal_error: { status: 500, zh: '服务器内部错误', en: 'Internal server error' },
} as const satisfies Record<string, { status: ContentfulStatusCode; zh: string; en: string }>;

export type ErrorCode = keyof typeof ERRORS;

/** Messages shown next to a field when `invalid_request` names it. */
export const FIELD_MESSAGES = {
  required: { zh: '此项必填', en: 'This field is required' },
  mobile: { zh: '请输入正确的手机号', en: 'Enter a valid mainland China mobile number' },
  password: { zh: '密码长度为 8 到 64 个字符', en: 'The password must be 8 to 64 characters' },
  current_password: { zh: '密码长度为 8 到 64 个字符', en: 'The password must be 8 to 64 characters' },
  new_password: { zh: '新密码长度为 8 到 64 个字符', en: 'The new password must be 8 to 64 characters' },
  sms_code: { zh: '验证码为 6 位数字', en: 'The SMS code is 6 digits' },
  nickname: { zh: '昵称为 2 到 20 个字符，不能含控制字符', en: 'The nickname must be 2 to 20 characters without control characters' },
  username: { zh: '请输入用户名或手机号', en: 'Enter a username or mobile number' },
  bind_ticket: { zh: '绑定凭证格式不正确', en: 'The bind ticket is malformed' },
  code: { zh: '缺少 QQ 授权码', en: 'The QQ authorization code is missing' },
  access_token: { zh: 'QQ 访问令牌格式不正确', en: 'The QQ access token is malformed' },
  invalid: { zh: '格式不正确', en: 'Invalid value' },
} as const satisfies Record<string, Record<Lang, string>>;

export type FieldMessage = keyof typeof FIELD_MESSAGES;

export interface AppErrorDetails {
  /** `invalid_request`: the message shown next to each bad field. */
  fields?: Record<string, FieldMessage>;
  /** Seconds until trying again makes sense; the error boundary sends it as `Retry-After`. */
  retryAfter?: number;
}

/** A failure the client caused or must know about; answered as the contract's error body. */
export class AppError extends Error {
  readonly fields: Record<string, FieldMessage> | undefined;
  readonly retryAfter: number | undefined;

  constructor(
    readonly code: ErrorCode,
    details: AppErrorDetails = {},
  ) {
    super(code);
    this.fields = details.fields;
    this.retryAfter = details.retryAfter === undefined ? undefined : Math.max(1, Math.ceil(details.retryAfter));
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; fields?: Record<string, string> };
}

export function errorBody(code: ErrorCode, lang: Lang, fields?: Record<string, FieldMessage>): ErrorBody {
  const body: ErrorBody = { error: { code, message: ERRORS[code][lang] } };
  if (fields) {
    body.error.fields = Object.fromEntries(Object.entries(fields).map(([name, key]) => [name, FIELD_MESSAGES[key][lang]]));
  }
  return body;
}

export function isFieldMessage(name: string): name is FieldMessage {
  return Object.hasOwn(FIELD_MESSAGES, name);
}
