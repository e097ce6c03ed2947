/**
 * Typed errors that domain code and handlers throw; the HTTP layer maps each to one status code and a
 * problem+json body in one place (`problem.ts`). Messages come in Vietnamese and English because the
 * caller's Accept-Language picks one.
 */
export interface LocalizedText {
  vi: string;
  en: string;
}

export interface FieldError {
  path: string;
  message: string;
}

export class AppError extends Error {
  readonly status: number;
  /** Stable machine-readable kind, the tail of the problem `type` URI. */
  readonly kind: string;
  readonly title: LocalizedText;
  readonly detail: LocalizedText;
  readonly extensions: Record<string, unknown>;

  constructor(
    status: number,
    kind: string,
    title: LocalizedText,
    detail: LocalizedText,
    extensions: Record<string, unknown> = {},
  ) {
    super(detail.en);
    this.name = new.target.name;
    this.status = status;
    this.kind = kind;
    this.title = title;
    this.detail = detail;
    this.extensions = extensions;
  }
}

export class ValidationError extends AppError {
  readonly errors: FieldError[];
  constructor(errors: FieldError[], detail?: LocalizedText) {
    super(
      400,
      'validation',
      { vi: 'Dữ liệu không hợp lệ', en: 'Invalid request' },
      detail ?? { vi: 'Yêu cầu có dữ liệu không hợp lệ.', en: 'The request has invalid data.' },
      { errors },
    );
    this.errors = errors;
  }
}

export class UnauthorizedError extends AppError {
  constructor(detail: LocalizedText = { vi: 'Cần đăng nhập.', en: 'Authentication is required.' }) {
    super(401, 'unauthorized', { vi: 'Chưa xác thực', en: 'Unauthorized' }, detail);
  }
}

export class ForbiddenError extends AppError {
  constructor(detail: LocalizedText = { vi: 'Bạn không có quyền thực hiện việc này.', en: 'You may not do this.' }) {
    super(403, 'forbidden', { vi: 'Không có quyền', en: 'Forbidden' }, detail);
  }
}

export class NotFoundError extends AppError {
  constructor(what: LocalizedText) {
    super(404, 'not-found', { vi: 'Không tìm thấy', en: 'Not found' }, what);
  }
}

/** The request conflicts with the current state (e.g. an action not allowed in this status). */
export class ConflictError extends AppError {
  constructor(kind: string, detail: LocalizedText, extensions: Record<string, unknown> = {}) {
    super(409, kind, { vi: 'Xung đột trạng thái', en: 'Conflict' }, detail, extensions);
  }
}

/** If-Match named a version that is no longer current. */
export class PreconditionFailedError extends AppError {
  constructor(currentVersion?: number) {
    super(
      412,
      'stale-version',
      { vi: 'Phiên bản đã cũ', en: 'Precondition failed' },
      {
        vi: 'Dữ liệu đã được người khác thay đổi; hãy tải lại và thử lại.',
        en: 'The resource was changed by someone else; reload and try again.',
      },
      currentVersion === undefined ? {} : { currentVersion },
    );
  }
}

export class PreconditionRequiredError extends AppError {
  constructor() {
    super(
      428,
      'precondition-required',
      { vi: 'Thiếu If-Match', en: 'Precondition required' },
      {
        vi: 'Cần gửi tiêu đề If-Match với phiên bản hiện tại.',
        en: 'Send an If-Match header with the current version.',
      },
    );
  }
}

export class TooManyRequestsError extends AppError {
  constructor() {
    super(
      429,
      'too-many-requests',
      { vi: 'Quá nhiều yêu cầu', en: 'Too many requests' },
      { vi: 'Vui lòng thử lại sau.', en: 'Please try again later.' },
    );
  }
}

/** A failure of something we depend on; retried by the caller or the queue, never shown with internals. */
export class DependencyError extends AppError {
  constructor(detail: LocalizedText) {
    super(503, 'dependency-unavailable', { vi: 'Dịch vụ tạm thời gián đoạn', en: 'Service unavailable' }, detail);
  }
}
