import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AppEnv, Lang } from '../env';
import { preferredLang } from '../errors';

/** Every text the hosted pages show, Chinese first; `{name}` marks a value filled in later. */
const zh = {
  brand: '账号中心',
  switchLang: 'English',
  switchLangLabel: 'Switch to English',
  footer: '安全登录由 qq-login-worker 提供',
  noscript: '此页面需要启用 JavaScript。',
  working: '请稍候…',
  network: '网络连接失败，请检查网络后重试',
  unexpected: '服务暂时不可用，请稍后重试',
  showPassword: '显示密码',
  hidePassword: '隐藏密码',

  loginTitle: '登录',
  loginLead: '使用 QQ 一键登录，或使用账号密码登录',
  qqButton: 'QQ 登录',
  or: '或',
  username: '用户名或手机号',
  usernamePlaceholder: '请输入用户名或手机号',
  password: '密码',
  passwordPlaceholder: '请输入密码',
  loginSubmit: '登录',
  loginNote: '首次使用 QQ 登录时，可绑定已有账号或注册新账号。',
  badNextTitle: '无法继续登录',
  backToLogin: '返回登录',

  progressTitle: '正在完成 QQ 登录',
  progressText: '正在验证 QQ 授权，请稍候…',
  successTitle: '登录成功',
  successText: '正在跳转…',
  bindTitle: '绑定账号',
  greeting: '你好，{name}',
  greetingAnonymous: 'QQ 授权成功',
  bindLead: '首次使用 QQ 登录，请绑定手机号或已有账号，以后即可一键登录。',
  bindTabs: '绑定方式',
  tabMobile: '手机号绑定',
  tabAccount: '已有账号',
  tabRegister: '注册新账号',
  mobile: '手机号',
  mobilePlaceholder: '请输入手机号',
  smsCode: '短信验证码',
  smsCodePlaceholder: '6 位验证码',
  sendCode: '获取验证码',
  sending: '发送中…',
  resendIn: '{s} 秒后重发',
  resend: '重新获取',
  codeSent: '验证码已发送，请查收短信',
  devSms: '开发环境：验证码打印在 worker 的控制台日志中。',
  mobilePassword: '密码',
  mobilePasswordHint: '已注册的手机号请输入该账号的密码；未注册的手机号将自动创建账号，请设置 8–64 位密码。',
  accountPasswordPlaceholder: '请输入账号密码',
  newPassword: '设置密码',
  newPasswordPlaceholder: '8–64 个字符',
  nickname: '昵称',
  nicknamePlaceholder: '2–20 个字符',
  bindSubmit: '绑定并登录',
  registerSubmit: '注册并登录',
  errorTitle: 'QQ 登录未完成',
  cancelledTitle: '已取消 QQ 登录',
  cancelledText: '你没有完成 QQ 授权。可以重新登录，或改用账号密码登录。',
  retry: '重新登录',

  accountTitle: '我的账号',
  loading: '正在加载…',
  signedOutTitle: '你还没有登录',
  signedOutText: '登录后可查看账号信息和 QQ 绑定。',
  signIn: '去登录',
  userId: '用户 ID',
  mobileLabel: '手机号',
  usernameLabel: '用户名',
  notSet: '未设置',
  bindingsTitle: '第三方账号',
  qqName: 'QQ',
  boundAt: '{date} 绑定',
  notBound: '未绑定',
  notBoundHint: '下次使用 QQ 登录时可选择“已有账号”重新绑定。',
  bindQQ: '绑定 QQ',
  unbind: '解除绑定',
  unbindConfirm: '解除后将无法使用该 QQ 直接登录此账号，确定解除吗？',
  unbindYes: '确定解除',
  cancel: '取消',
  unbound: '已解除 QQ 绑定',
  logout: '退出登录',
  signedOut: '你已退出登录',
};

export type Texts = { readonly [K in keyof typeof zh]: string };

const en: Texts = {
  brand: 'Account',
  switchLang: '中文',
  switchLangLabel: '切换到中文',
  footer: 'Secure sign-in by qq-login-worker',
  noscript: 'This page needs JavaScript.',
  working: 'Please wait…',
  network: 'Network error; check your connection and try again',
  unexpected: 'The service is unavailable right now; please try again',
  showPassword: 'Show password',
  hidePassword: 'Hide password',

  loginTitle: 'Sign in',
  loginLead: 'Continue with QQ, or sign in with your password',
  qqButton: 'Continue with QQ',
  or: 'or',
  username: 'Username or mobile',
  usernamePlaceholder: 'Username or mobile number',
  password: 'Password',
  passwordPlaceholder: 'Your password',
  loginSubmit: 'Sign in',
  loginNote: 'The first time you use QQ you can link an existing account or create one.',
  badNextTitle: 'Cannot continue',
  backToLogin: 'Back to sign in',

  progressTitle: 'Finishing QQ login',
  progressText: 'Checking your QQ authorization…',
  successTitle: 'Signed in',
  successText: 'Taking you back…',
  bindTitle: 'Link your account',
  greeting: 'Hi, {name}',
  greetingAnonymous: 'QQ authorization complete',
  bindLead: 'This is your first QQ login. Link a mobile number or an account, and next time QQ signs you in directly.',
  bindTabs: 'How to link',
  tabMobile: 'Mobile',
  tabAccount: 'Existing account',
  tabRegister: 'New account',
  mobile: 'Mobile number',
  mobilePlaceholder: 'Mainland China mobile',
  smsCode: 'SMS code',
  smsCodePlaceholder: '6 digits',
  sendCode: 'Send code',
  sending: 'Sending…',
  resendIn: 'Resend in {s}s',
  resend: 'Resend',
  codeSent: 'Code sent; check your messages',
  devSms: 'Development: the code is printed in the worker’s console log.',
  mobilePassword: 'Password',
  mobilePasswordHint:
    'If this number already has an account, enter its password; otherwise an account is created with this password (8–64 characters).',
  accountPasswordPlaceholder: 'The account’s password',
  newPassword: 'Choose a password',
  newPasswordPlaceholder: '8–64 characters',
  nickname: 'Nickname',
  nicknamePlaceholder: '2–20 characters',
  bindSubmit: 'Link and sign in',
  registerSubmit: 'Create account and sign in',
  errorTitle: 'QQ login did not finish',
  cancelledTitle: 'QQ login cancelled',
  cancelledText: 'You did not finish authorizing with QQ. Try again, or sign in with your password.',
  retry: 'Try again',

  accountTitle: 'My account',
  loading: 'Loading…',
  signedOutTitle: 'You are not signed in',
  signedOutText: 'Sign in to see your account and its QQ link.',
  signIn: 'Sign in',
  userId: 'User ID',
  mobileLabel: 'Mobile',
  usernameLabel: 'Username',
  notSet: 'Not set',
  bindingsTitle: 'Linked accounts',
  qqName: 'QQ',
  boundAt: 'Linked {date}',
  notBound: 'Not linked',
  notBoundHint: 'Next time you sign in with QQ, choose “Existing account” to link it again.',
  bindQQ: 'Link QQ',
  unbind: 'Unlink',
  unbindConfirm: 'After unlinking, this QQ can no longer sign you in to this account. Unlink it?',
  unbindYes: 'Unlink',
  cancel: 'Cancel',
  unbound: 'QQ unlinked',
  logout: 'Sign out',
  signedOut: 'You have signed out',
};

export const TEXTS: Record<Lang, Texts> = { zh, en };

export const LANG_COOKIE = 'lang';

/**
 * The page language: `?lang=` (remembered in a cookie, so QQ's redirect back keeps it),
 * else the cookie, else Accept-Language.
 */
export function pageLang(c: Context<AppEnv>): Lang {
  const asked = langOf(c.req.query('lang'));
  if (asked !== null) {
    setCookie(c, LANG_COOKIE, asked, {
      path: '/',
      maxAge: 365 * 24 * 60 * 60,
      sameSite: 'Lax',
      secure: new URL(c.req.url).protocol === 'https:',
    });
    return asked;
  }
  return langOf(getCookie(c, LANG_COOKIE)) ?? preferredLang(c.req.header('accept-language'));
}

function langOf(value: string | undefined): Lang | null {
  return value === 'zh' || value === 'en' ? value : null;
}

/** `{name}` placeholders filled from `values`. */
export function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);
}
