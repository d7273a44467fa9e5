/** The TOTP second factor's request and response bodies (`/api/session/totp…`). */
/** POST /api/session/totp: a new, unconfirmed secret (replaces an unconfirmed one). */
export interface TotpEnrolmentResponse {
  /** Base32 secret, for typing into an authenticator app. */
  secret: string;
  /** otpauth:// URI the QR code encodes. */
  uri: string;
  /** The QR code as an SVG document. */
  qrSvg: string;
}
/** POST /api/session/totp/confirm: the first code from the app proves the enrolment. */
export interface TotpConfirmRequest {
  code: string;
}
/**
 * POST /api/session/totp. A first enrolment needs nothing; replacing an enrolled authenticator (a new
 * phone) needs the password and a current code or a recovery code. The old one works until the new
 * one is confirmed.
 */
export interface TotpBeginRequest {
  password?: string;
  totpCode?: string;
}
/** Recovery codes are shown once; each signs in once in place of a TOTP code. */
export interface TotpConfirmResponse {
  recoveryCodes: string[];
}
