/**
 * The console page of the cryptocurrency-abuse database: look an address up, add one. Forms work
 * without script; a refusal is told above the form and beside each field, in the reader's language.
 */
import { Type } from 'typebox';
import type { NodeIdentity } from '../../console/layout.ts';
import type { Database } from '../../platform/db/database.ts';
import { WALLET_CHAINS } from '../../platform/identifiers/index.ts';
import { type SafeHtml, html } from '../../platform/http/html.ts';
import { HttpProblem } from '../../platform/http/problem.ts';
import type { HttpServer } from '../../platform/http/server.ts';
import { StringEnum } from '../../platform/schema.ts';
import type { FieldProblem } from '../../requests/field-problems.ts';
import { type PlacedProblem, HTML, chainLabel, code, csrf, described, errorSummary, fieldErrors, requestsPage } from '../../requests/page-common.ts';
import { TokenField } from '../../prevention/staff-forms.ts';
import { ABUSE_TYPES, type NewWallet, checkNewWallet, lookupKeys } from './entry-input.ts';
import { type MessageKey, type WalletsContext, walletsContext } from './messages.ts';
import { problemText } from './problems.ts';
import { WALLETS_PURPOSE, WALLET_USERS, type WalletView, addWallet, lookupWallets } from './store.ts';

export const WALLETS_PAGE = '/wallets';

const Text = (max: number) => Type.Optional(Type.String({ maxLength: max }));
const AddForm = Type.Object({
  ...TokenField, address: Text(500), chain: Text(60), abuseType: StringEnum(ABUSE_TYPES),
  amount: Text(80), asset: Text(40), decimals: Text(10), firstSeen: Text(20), lastSeen: Text(20),
}, { additionalProperties: false });
type AddFields = Partial<Record<'address' | 'chain' | 'amount' | 'asset' | 'decimals' | 'firstSeen' | 'lastSeen', string>> & { abuseType?: string };

/** The control of the add form where each problem of the API's pointers belongs. */
const ADD_IDS: Record<string, keyof AddFields> = {
  '/address': 'address', '/chain': 'chain', '/amount/value': 'amount', '/amount/asset': 'asset', '/amount/decimals': 'decimals', '/firstSeen': 'firstSeen', '/lastSeen': 'lastSeen',
};
const LABELS: Record<keyof AddFields, MessageKey> = {
  address: 'wallets.field.address', chain: 'wallets.field.chain', abuseType: 'wallets.field.abuseType', amount: 'wallets.field.amount', asset: 'wallets.field.asset',
  decimals: 'wallets.field.decimals', firstSeen: 'wallets.field.firstSeen', lastSeen: 'wallets.field.lastSeen',
};

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const isDay = (text: string) => DAY.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
const given = (text: string | undefined) => (text === undefined || text.trim() === '' ? undefined : text.trim());

/** The form's text fields as the API's entry, or the problems only a form can have (a part of the amount missing, a day not a day). */
function entryOf(fields: AddFields): { input: NewWallet } | { problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const [amount, asset, decimals] = [given(fields.amount), given(fields.asset), given(fields.decimals)];
  const parts = [amount, asset, decimals].filter((part) => part !== undefined).length;
  if (parts > 0 && parts < 3) problems.push({ field: '/amount/value', problem: 'amount-incomplete', params: {} });
  if (decimals !== undefined && !(/^\d{1,2}$/.test(decimals) && Number(decimals) <= 36)) problems.push({ field: '/amount/decimals', problem: 'decimals-invalid', params: {} });
  for (const name of ['firstSeen', 'lastSeen'] as const) {
    const day = given(fields[name]);
    if (day !== undefined && !isDay(day)) problems.push({ field: `/${name}`, problem: 'date-invalid', params: {} });
  }
  if (problems.length > 0) return { problems };
  return {
    input: {
      address: fields.address ?? '', chain: given(fields.chain), abuseType: fields.abuseType as NewWallet['abuseType'],
      amount: amount && asset && decimals ? { value: amount, asset, decimals: Number(decimals) } : undefined,
      firstSeen: given(fields.firstSeen), lastSeen: given(fields.lastSeen),
    },
  };
}

const place = (context: WalletsContext, problems: readonly FieldProblem[], prefix: string, ids: Record<string, string>): PlacedProblem[] =>
  problems.map((problem) => {
    const name = ids[problem.field];
    return { id: name ? `${prefix}-${name}` : undefined, label: context.t(LABELS[(name ?? 'address') as keyof AddFields]), message: problemText(context, problem) };
  });

function control(context: WalletsContext, prefix: string, name: keyof AddFields, problems: readonly PlacedProblem[], input: SafeHtml, options: { optional?: boolean; hint?: MessageKey } = {}): SafeHtml {
  const id = `${prefix}-${name}`;
  const { t } = context;
  return html`<div class="field"><label for="${id}">${t(LABELS[name])}${options.optional ? html` <span class="required">${t('wallets.optional')}</span>` : ''}</label>
${options.hint ? html`<span class="hint" id="${id}-hint">${t(options.hint)}</span>` : ''}
${fieldErrors(id, problems)}
${input}</div>`;
}

function chainSelect(context: WalletsContext, id: string, problems: readonly PlacedProblem[], chosen: string | undefined): SafeHtml {
  return html`<select id="${id}" name="chain" ${described(id, problems)}>
<option value="">${context.t('wallets.chain.any')}</option>
${WALLET_CHAINS.map((chain) => html`<option value="${chain}" ${chosen === chain ? html`selected` : ''}>${chainLabel(context.shared, chain)}</option>`)}
</select>`;
}

const addressInput = (id: string, problems: readonly PlacedProblem[], value: string | undefined, required = true) =>
  html`<input id="${id}" name="address" dir="ltr" autocomplete="off" spellcheck="false" maxlength="500" ${required ? html`required` : ''} value="${value ?? ''}" ${described(id, problems)}>`;

function resultTable(context: WalletsContext, matches: readonly WalletView[]): SafeHtml {
  const { t } = context;
  if (matches.length === 0) return html`<p role="status">${t('wallets.result.none')}</p>`;
  return html`<div class="wide" role="region" aria-labelledby="result-caption" tabindex="0"><table>
<caption id="result-caption">${t('wallets.result.caption', { count: matches.length })}</caption>
<thead><tr><th scope="col">${t('wallets.field.address')}</th><th scope="col">${t('wallets.field.abuseType')}</th><th scope="col">${t('wallets.field.amount')}</th>
<th scope="col">${t('wallets.col.seen')}</th><th scope="col">${t('wallets.col.source')}</th><th scope="col">${t('wallets.col.mentions')}</th></tr></thead>
<tbody>${matches.map((entry) => html`<tr>
<th scope="row">${chainLabel(context.shared, entry.chain)} ${code(entry.address)}</th><td>${t(`abuse.${entry.abuseType}`)}</td>
<td>${entry.amount ? html`<span dir="ltr">${entry.amount.value} ${entry.amount.asset}</span>` : '–'}</td>
<td>${[entry.firstSeen, entry.lastSeen].filter(Boolean).map((day) => html`<time datetime="${day}">${day}</time>`).map((day, i) => (i === 0 ? day : html` – ${day}`))}</td>
<td>${entry.source === context.shared.console.node.nodeId ? t('wallets.source.here') : code(entry.source)}</td>
<td>${t('wallets.mentions', entry.mentions)}</td></tr>`)}</tbody></table></div>`;
}

interface PageState {
  lookup?: { address: string; chain?: string | undefined; problems: PlacedProblem[]; matches: WalletView[] };
  add: { fields: AddFields; problems: PlacedProblem[]; added: boolean };
}

function walletsPage(context: WalletsContext, state: PageState): string {
  const { t } = context;
  const { lookup, add } = state;
  const lookupProblems = lookup?.problems ?? [];
  const abuse = add.fields.abuseType;
  return requestsPage(context.shared, t('wallets.title'), html`
<h1>${t('wallets.title')}</h1>
<p>${t('wallets.intro')}</p>
<h2 id="lookup-heading">${t('wallets.lookup.heading')}</h2>
<form class="draft" method="get" action="${WALLETS_PAGE}" aria-labelledby="lookup-heading">
${errorSummary(context.shared, lookupProblems, 'lookup-errors')}
${control(context, 'lookup', 'address', lookupProblems, addressInput('lookup-address', lookupProblems, lookup?.address))}
${control(context, 'lookup', 'chain', lookupProblems, chainSelect(context, 'lookup-chain', lookupProblems, lookup?.chain))}
<div><button type="submit">${t('wallets.lookup.submit')}</button></div>
</form>
${lookup && lookupProblems.length === 0 ? html`<section aria-labelledby="result-heading"><h2 id="result-heading">${t('wallets.result.heading')}</h2>
${add.added ? html`<p class="notice" role="status">${t('wallets.added')}</p>` : ''}
${resultTable(context, lookup.matches)}</section>` : ''}
<h2 id="add-heading">${t('wallets.add.heading')}</h2>
<form class="draft" method="post" action="${WALLETS_PAGE}" aria-labelledby="add-heading">
${csrf(context.shared)}
${errorSummary(context.shared, add.problems, 'add-errors')}
${control(context, 'add', 'address', add.problems, addressInput('add-address', add.problems, add.fields.address))}
${control(context, 'add', 'chain', add.problems, chainSelect(context, 'add-chain', add.problems, add.fields.chain))}
${control(context, 'add', 'abuseType', add.problems, html`<select id="add-abuseType" name="abuseType" required>${ABUSE_TYPES.map((type) => html`<option value="${type}" ${abuse === type ? html`selected` : ''}>${t(`abuse.${type}`)}</option>`)}</select>`)}
${(['amount', 'asset', 'decimals'] as const).map((name) => control(context, 'add', name, add.problems,
    html`<input id="add-${name}" name="${name}" dir="ltr" class="${name === 'decimals' ? 'short' : ''}" ${name === 'decimals' ? html`inputmode="numeric"` : name === 'amount' ? html`inputmode="decimal"` : ''} value="${add.fields[name] ?? ''}" ${described(`add-${name}`, add.problems, `add-${name}-hint`)}>`,
    { optional: true, hint: `wallets.field.${name}.hint` }))}
${(['firstSeen', 'lastSeen'] as const).map((name) => control(context, 'add', name, add.problems,
    html`<input id="add-${name}" name="${name}" type="date" value="${add.fields[name] ?? ''}" ${described(`add-${name}`, add.problems)}>`, { optional: true }))}
<div><button type="submit">${t('wallets.add.submit')}</button></div>
</form>`);
}

const lookupPath = (address: string, chain: string | undefined, added = false) =>
  `${WALLETS_PAGE}?${new URLSearchParams({ address, ...(chain ? { chain } : {}), ...(added ? { added: 'true' } : {}) }).toString()}`;

export function walletPages(app: HttpServer, db: Database, node: NodeIdentity): void {
  const config = { access: { roles: WALLET_USERS, purpose: WALLETS_PURPOSE }, page: true };

  app.get(WALLETS_PAGE, {
    config,
    schema: { hide: true, querystring: Type.Object({ address: Text(500), chain: Text(60), added: Type.Optional(Type.Boolean()) }, { additionalProperties: false }) },
  }, async (request, reply) => {
    const context = walletsContext(request, node);
    const { address, chain, added = false } = request.query;
    const state: PageState = { add: { fields: {}, problems: [], added } };
    if (given(address) !== undefined) {
      const found = lookupKeys(address, given(chain));
      state.lookup = 'problem' in found
        ? { address: address!, chain, problems: place(context, [found.problem], 'lookup', { '/address': 'address', '/chain': 'chain' }), matches: [] }
        : { address: found.wallet.value, chain, problems: [], matches: await lookupWallets(db, request, found.keys) };
    }
    return reply.code(state.lookup?.problems.length ? 400 : 200).type(HTML).send(walletsPage(context, state));
  });

  app.post(WALLETS_PAGE, { config, schema: { hide: true, body: AddForm } }, async (request, reply) => {
    const context = walletsContext(request, node);
    const fields: AddFields = request.body;
    const refuse = (status: number, problems: readonly FieldProblem[]) =>
      reply.code(status).type(HTML).send(walletsPage(context, { add: { fields, problems: place(context, problems, 'add', ADD_IDS), added: false } }));
    const read = entryOf(fields);
    if ('problems' in read) return refuse(400, read.problems);
    const checked = checkNewWallet(read.input);
    if ('problems' in checked) return refuse(400, checked.problems);
    try {
      await addWallet(db, node.nodeId, request, checked.entry);
    } catch (error) {
      if (error instanceof HttpProblem && error.status === 409) return refuse(409, [{ field: '/address', problem: 'already-listed', params: {} }]);
      throw error;
    }
    return reply.redirect(lookupPath(checked.entry.wallet.value, checked.entry.wallet.chain, true), 303);
  });
}
