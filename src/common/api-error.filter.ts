import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Response } from 'express';

interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  details?: unknown;
}

/**
 * Every error answers `{statusCode, error, message, details?}`. Unexpected errors are logged
 * with their stack and answered with a generic 500: their text may carry internals.
 */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(ApiErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = this.toBody(exception);
    response.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof HttpException) {
      // Body-parser failures arrive wrapped; their cause says what was wrong with the body.
      if (isBodyParserError(exception.cause)) return bodyParserError(exception.cause);
      const statusCode = exception.getStatus();
      const answer = exception.getResponse();
      const fields = typeof answer === 'object' ? (answer as Record<string, unknown>) : {};
      const rawMessage = typeof answer === 'string' ? answer : fields.message;
      const message = Array.isArray(rawMessage)
        ? rawMessage.join('; ')
        : typeof rawMessage === 'string'
          ? rawMessage
          : exception.message;
      return {
        statusCode,
        error: typeof fields.error === 'string' ? fields.error : reasonPhrase(statusCode),
        message,
        ...(fields.details !== undefined ? { details: fields.details } : {}),
      };
    }
    if (isBodyParserError(exception)) return bodyParserError(exception);
    this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    return {
      statusCode: HttpStatus.INTERNAL_SERVER_ERROR,
      error: 'Internal Server Error',
      message: 'Unexpected error; it has been logged',
    };
  }
}

interface BodyParserError {
  status: number;
  type: string;
  limit?: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  const candidate = error as Partial<BodyParserError> | undefined;
  return (
    typeof candidate?.type === 'string' &&
    typeof candidate.status === 'number' &&
    candidate.status >= 400 &&
    candidate.status < 500
  );
}

/** Errors thrown by the body parsers before a controller runs (size, bad JSON, charset). */
function bodyParserError(error: BodyParserError): ErrorBody {
  const messages: Record<string, string> = {
    'entity.too.large': `body: larger than the limit of ${error.limit ?? '?'} bytes`,
    'entity.parse.failed': 'body: not valid JSON',
    'encoding.unsupported': 'body: unsupported content encoding',
    'charset.unsupported': 'body: unsupported charset',
  };
  return {
    statusCode: error.status,
    error: reasonPhrase(error.status),
    message: messages[error.type] ?? 'body: could not be read',
  };
}

function reasonPhrase(status: number): string {
  const name = HttpStatus[status] as string | undefined;
  return name
    ? name
        .toLowerCase()
        .split('_')
        .map((word) => word[0].toUpperCase() + word.slice(1))
        .join(' ')
    : 'Error';
}
