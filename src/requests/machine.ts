import type { Role } from '../identity/roles.ts';

/** The two parties to a request: the one who asks, and the one who carries it out. */
export type Side = 'requester' | 'executor';

/**
 * One step of a request's life. Only the side whose turn it is may act, so the two copies of a
 * request never change at once and agree once the messages between them arrive.
 */
export interface Transition<State extends string = string> {
  action: string;
  from: readonly State[];
  to: State;
  by: Side;
  /** Who may take it on that side; `system` steps are taken by the node itself. */
  roles: readonly Role[] | 'system';
  /** Hours the other side then has to act, if it must act by a deadline. */
  dueInHours?: number;
  /** A step that stays on this node (a draft discarded): no message, the other side never knows. */
  local?: true;
  /**
   * The four-eyes step: a prosecutor or judge other than the drafter approves, signing the request
   * with the key the node issued to them, and the request leaves with that signature.
   */
  approves?: true;
}

export interface Machine<State extends string = string> {
  kind: string;
  states: readonly State[];
  /** The state a new draft starts in, on the requester's node. */
  initial: State;
  /** States a request is in before it leaves (a draft, a draft awaiting approval): only its drafter's node has it. */
  drafting: readonly State[];
  /** States in which nothing more happens. */
  final: readonly State[];
  transitions: readonly Transition<State>[];
}

/** The transition `action` from `state` taken by `side`, if the machine allows it. */
export function transitionOf<State extends string>(machine: Machine<State>, state: string, action: string, side: Side): Transition<State> | undefined {
  return machine.transitions.find((t) => t.action === action && t.by === side && (t.from as readonly string[]).includes(state));
}

/** The actions a side may take in a state, for the pages and for the API's answer. */
export function actionsIn<State extends string>(machine: Machine<State>, state: string, side: Side): Transition<State>[] {
  return machine.transitions.filter((t) => t.by === side && (t.from as readonly string[]).includes(state));
}

/** Whether the step sends the request to its executor for the first time (a submission, an approval that sends it). */
export const opens = (machine: Machine, t: Transition): boolean =>
  t.by === 'requester' && !t.local && t.from.some((state) => machine.drafting.includes(state)) && !machine.drafting.includes(t.to);

/** Whether the step readies the request to leave, and so must meet its recipient's requirements. */
export const readiesToLeave = (machine: Machine, t: Transition): boolean =>
  t.by === 'requester' && t.from.some((state) => machine.drafting.includes(state)) && t.to !== machine.initial && !machine.final.includes(t.to);

/** The roles that may start a request: those of its first step towards leaving (a submission, a call for approval). */
export function draftingRoles(machine: Machine): readonly Role[] {
  const first = machine.transitions.find((t) => t.from.includes(machine.initial) && readiesToLeave(machine, t));
  return first && first.roles !== 'system' ? first.roles : [];
}
