/** The box where the public chooses files to send with a report or an addition, and its refusals. */
import { html } from '../platform/http/html.ts';
import { FILES_MAX_COUNT, FILES_MAX_TOTAL, FILE_MAX_BYTES, type FileRefusal } from './attachments.ts';
import type { Issue } from './intake.ts';
import type { PublicContext } from './layout.ts';
import { type FormState, field } from './public-forms.ts';
import { FILES_FIELD } from './uploads.ts';

/** The kinds taken, for the browser's file chooser; the server checks the content itself. */
const ACCEPT = '.png,.jpg,.jpeg,.pdf,.txt,.eml,image/png,image/jpeg,application/pdf,text/plain,message/rfc822';
const MB = 1024 * 1024;

/** The limits as the messages name them. */
export const FILE_LIMITS = { count: FILES_MAX_COUNT, size: FILE_MAX_BYTES / MB, total: FILES_MAX_TOTAL / MB };

export const fileIssue = (refusal: FileRefusal): Issue<string> => ({ field: FILES_FIELD, pointer: `/${FILES_FIELD}`, message: refusal, values: FILE_LIMITS });

export const fileField = (context: PublicContext, form: FormState<Record<string, string | undefined>>) =>
  field(context, form, {
    name: FILES_FIELD, label: 'files.label', hint: 'files.hint', hintValues: FILE_LIMITS,
    control: (common) => html`<input type="file" ${common} multiple accept="${ACCEPT}">`,
  });
