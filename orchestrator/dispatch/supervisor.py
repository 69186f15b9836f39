"""The dispatcher: N slots, each running one agent on one claimed workstream, supervised.

One thread polls every slot in turn (no per-agent threads; the agents and gate runs are child
processes):
- a free slot takes the first ready workstream through the claim store (`Board.take`: the claim's
  compare-and-swap is the only authority, so two dispatchers never run one workstream at once),
  re-checks on the newest integration commit that it is still not done and not blocked (another
  dispatcher may have finished it just before releasing), renders the prompt and the command and
  starts the agent in the claim's worktree with its own log;
- while the agent runs, the claim is renewed; an agent silent for the stall time (no output, no
  lease renewal of its own) or past the time limit is stopped;
- when the agent exits 0, its work is committed and merged with the integration branch; a diff
  that edits or deletes the branch's evidence or loosens a gate is refused, the `status/` files
  the agent added (its own evidence: claims, not proof) are dropped, and the gates
  are run by `tt-ws run` in the worktree: those of the workstream and of every workstream done on
  the branch (evidence is keyed to the whole source tree, so they must hold on the merge result
  too). Only if they all pass on the committed result does the branch move to it: the exit status
  of an agent is never evidence;
- a failed attempt is retried with exponential backoff, the claim kept; after the last attempt the
  workstream gets a blocked record (reason, log) and the claim is released — never left held.
Ctrl-C (or SIGTERM) stops every agent and releases every claim.
"""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from rich.markup import escape

from orchestrator.attest import RUNNERS_FILE
from orchestrator.claims.board import Board
from orchestrator.claims.errors import ClaimError, ClaimRefused
from orchestrator.claims.record import ClaimRecord
from orchestrator.claims.refs import RemoteRefs
from orchestrator.claims.store import ClaimStore, Holder, utc_now
from orchestrator.dispatch.agent import AgentProcess
from orchestrator.dispatch.blocked import BlockedList, BlockedRecord
from orchestrator.dispatch.command import CommandTemplate, environment
from orchestrator.dispatch.files import DispatchFiles
from orchestrator.dispatch.integrate import (
    TargetBranch,
    View,
    changes_file,
    commit_all,
    drop_status_changes,
    head,
    loosened_gates,
    merge,
    remove_worktree,
    render_status,
    status_changes,
)
from orchestrator.dispatch.prompt import INSTRUCTIONS_FILE, render_prompt
from orchestrator.dispatch.retry import ExitReason, RetryPolicy
from orchestrator.dispatch.slot import Phase, Slot
from orchestrator.dispatch.state import DispatcherState, Outcome, write_state
from orchestrator.dispatch.view import Display
from orchestrator.errors import TtWsError
from orchestrator.layout import Layout
from orchestrator.lint import load_checked_registry
from orchestrator.registry import Registry
from orchestrator.status import GateState, WorkstreamState

# `tt-ws run` under the interpreter the dispatcher runs in.
_TT_WS = (sys.executable, "-c", "from orchestrator.cli import main; main()")
_TICK_S = 0.05
_STATE_EVERY_S = 0.5
# How often integration may find the branch moved by another dispatcher before giving up.
_INTEGRATION_RACES = 5
_OUTCOMES_SHOWN = 50  # in the state file: a --watch dispatcher runs for days


@dataclass(frozen=True)
class DispatchConfig:
    agents: int
    command: CommandTemplate
    retry: RetryPolicy
    stall_s: float
    timeout_s: float | None
    lease: timedelta
    target: str
    watch: bool = False
    poll_s: float = 2.0
    prefix: str = ""
    worktree_base: Path | None = None
    grace_s: float = 3.0


class Dispatcher:
    def __init__(self, config: DispatchConfig, root: Path) -> None:
        """`root`: the main working tree of the repository."""
        self.config = config
        self.root = root
        self.outcomes: list[Outcome] = []
        self.files = DispatchFiles(self.root)
        self.host = socket.gethostname()
        self.pid = os.getpid()
        prefix = self.config.prefix or f"dispatch-{self.host}-{self.pid}"
        self.slots = [
            Slot(i, f"{prefix}-{i}", Holder(f"{prefix}-{i}", self.host, self.pid))
            for i in range(1, self.config.agents + 1)
        ]
        self.store = ClaimStore.open(self.root)
        self.blocked = BlockedList(self.store.refs)
        remote = self.store.refs.remote if isinstance(self.store.refs, RemoteRefs) else None
        self.target = TargetBranch(self.root, self.config.target, remote)
        base = self.config.worktree_base or self.files.default_worktrees()
        self.view = View(self.root, base / f".dispatch-view-{self.host}-{self.pid}")
        self.started = utc_now()
        self.display = Display(lambda: (self.state(), utc_now()))
        self._stale = True  # the ready set may have changed: look again
        self._next_poll = 0.0
        self._next_renewal = 0.0
        self._next_state = 0.0

    # --- the loop ------------------------------------------------------------------------------

    def run(self) -> list[Outcome]:
        """Dispatch until nothing is left to do (or, with `watch`, until interrupted)."""
        self.target.ensure()
        try:
            with self.display:
                while True:
                    now = time.monotonic()
                    for slot in self.slots:
                        self._tick(slot, now)
                    self._renew(now)
                    idle = [s for s in self.slots if s.phase is Phase.IDLE]
                    if idle and (self._stale or now >= self._next_poll):
                        self._fill(idle)
                        if not self.config.watch and self._all_idle() and self._nothing_left():
                            break
                    self._publish(now)
                    time.sleep(_TICK_S)
        except BaseException as exc:
            # Ctrl-C, SIGTERM, or a bug: either way no agent may outlive us, no claim stay held.
            interrupted = isinstance(exc, KeyboardInterrupt)
            self._cancel_all(
                "stopped by the user" if interrupted else f"the dispatcher failed ({exc!r})"
            )
            raise
        finally:
            self.view.remove()
            self.files.state(self.host, self.pid).unlink(missing_ok=True)
        return self.outcomes

    def state(self) -> DispatcherState:
        return DispatcherState(
            host=self.host,
            pid=self.pid,
            started_at=self.started,
            updated_at=utc_now(),
            target=self.config.target,
            slots=tuple(s.state() for s in self.slots),
            outcomes=tuple(self.outcomes[-_OUTCOMES_SHOWN:]),
        )

    def _publish(self, now: float) -> None:
        if now >= self._next_state:
            write_state(self.files.state(self.host, self.pid), self.state())
            self._next_state = now + _STATE_EVERY_S

    def _board(self, commit: str) -> Board:
        return Board.load(self.view.show(commit))

    def _all_idle(self) -> bool:
        return all(s.phase is Phase.IDLE for s in self.slots)

    def _nothing_left(self) -> bool:
        """No ready work for us, and no live claim (another dispatcher's, an agent's) on a
        workstream whose completion would let an unfinished one become ready."""
        board = self._board(self.target.commit())
        live = board.store.snapshot().live(board.store.clock())
        unfinished = {
            ws for ws, s in board.report.workstreams.items() if s.state is not WorkstreamState.DONE
        }
        return not any(
            dependent.id in unfinished
            for ws in unfinished & live.keys()
            for dependent in board.registry.dependents(ws)
        )

    # --- handing out ---------------------------------------------------------------------------

    def _fill(self, idle: list[Slot]) -> None:
        self._stale = False
        self._next_poll = time.monotonic() + self.config.poll_s
        commit = self.target.commit()
        board = self._board(commit)
        candidates = [r.id for r in board.plan().ready]  # blocked records held back
        for slot in idle:
            if not candidates:
                return
            agent = slot.next_agent()
            try:
                record = board.take(
                    candidates, agent, self.config.lease, True, self.config.worktree_base
                )
            except ClaimRefused:
                return  # all claimed or conflicting: look again at the next poll
            except ClaimError as exc:  # e.g. the worktree could not be made (claim released)
                self.display.event(f"[red]cannot hand out work[/]: {escape(str(exc))}")
                return
            candidates.remove(record.workstream)
            # Held by the slot at once, so that Ctrl-C from here on releases it.
            slot.holder, slot.handouts, slot.claim = agent, slot.handouts + 1, record
            slot.lease_seen, slot.previous = record.expiry, None
            why_not = self._why_not_now(record.workstream, commit)
            if why_not:
                self.store.release(record.workstream, slot.holder)
                remove_worktree(self.root, slot.worktree, record.branch)
                slot.claim = None
                self.display.event(f"skip {escape(record.workstream)}: {escape(why_not)}")
                self._stale = True
                continue
            self._start_attempt(slot, board)

    def _why_not_now(self, workstream: str, seen: str) -> str | None:
        """Checked after the claim is won: what the board read before may be out of date.

        A dispatcher finishing this workstream moves the branch (or writes the blocked record)
        before it releases the claim, so whatever we read after winning the claim is current."""
        blocked = self.blocked.active().get(workstream)
        if blocked:
            return f"blocked: {blocked.reason}"
        newest = self.target.commit()
        if newest != seen:
            state = self._board(newest).report.workstreams[workstream].state
            if state is WorkstreamState.DONE:
                return f"done on {self.config.target} meanwhile"
        return None

    # --- one attempt ---------------------------------------------------------------------------

    def _start_attempt(self, slot: Slot, board: Board) -> None:
        assert slot.claim is not None
        claim = slot.claim
        slot.attempt += 1
        ws = board.registry.get(claim.workstream)
        log = self.files.log(ws.id, claim.token, slot.attempt)
        prompt = self.files.prompt(ws.id, claim.token, slot.attempt)
        prompt.parent.mkdir(parents=True, exist_ok=True)
        prompt.write_text(
            render_prompt(
                board.registry,
                ws,
                claim,
                slot.attempt,
                slot.previous,
                board.layout.root / INSTRUCTIONS_FILE,
            ),
            encoding="utf-8",
        )
        values = {
            "id": ws.id,
            "title": ws.title,
            "gates": " ".join(g.name for g in ws.gates),
            "worktree": str(slot.worktree),
            "prompt": str(prompt),
            "attempt": str(slot.attempt),
            "agent": slot.holder.name,
            "log": str(log),
        }
        argv = self.config.command.render(values)
        header = f"--- tt-ws dispatch: attempt {slot.attempt} of {ws.id}: {argv[-1]}\n"
        slot.log = log
        try:
            env = environment(values) | slot.credentials()
            slot.process = AgentProcess.start(argv, slot.worktree, env, log, header)
        except OSError as exc:
            # Not the agent's fault and no retry will fix it: block now, never strand the claim.
            self._give_up(slot, ExitReason.FAILED, f"cannot start the agent: {exc}")
            return
        slot.phase, slot.since = Phase.RUNNING, utc_now()
        self.display.event(
            f"[cyan]start[/] {escape(ws.id)} attempt {slot.attempt} in slot {slot.index} "
            f"({escape(slot.holder.name)}), log {escape(str(log))}"
        )

    def _tick(self, slot: Slot, now: float) -> None:
        if slot.phase is Phase.BACKOFF and now >= slot.retry_at:
            self._start_attempt(slot, self._board(self.target.commit()))
        elif slot.phase is Phase.RUNNING:
            self._watch_agent(slot, now)
        elif slot.phase is Phase.VERIFYING:
            assert slot.process is not None
            if slot.process.poll() is not None:
                self._conclude(slot)

    def _watch_agent(self, slot: Slot, now: float) -> None:
        process = slot.process
        assert process is not None
        code = process.poll()
        if code is not None:
            if code == 0:
                self._verify(slot)
            else:
                self._end_attempt(slot, ExitReason.FAILED, f"the agent exited with status {code}")
            return
        timeout = self.config.timeout_s
        if timeout is not None and now - process.started > timeout:
            process.stop(self.config.grace_s)
            self._end_attempt(slot, ExitReason.TIMED_OUT, f"still running after {timeout:g} s")
        elif process.idle_s(now) > self.config.stall_s and not self._renewed_by_agent(slot, now):
            process.stop(self.config.grace_s)
            self._end_attempt(
                slot,
                ExitReason.STALLED,
                f"printed nothing and renewed nothing for {self.config.stall_s:g} s",
            )

    def _renewed_by_agent(
        self, slot: Slot, now: float, records: Mapping[str, ClaimRecord] | None = None
    ) -> bool:
        """Whether the agent renewed its lease itself (`tt-ws heartbeat`) since we last did;
        if so, that counts as a sign of life."""
        current = (records if records is not None else self.store.snapshot().records).get(
            slot.workstream
        )
        if current is None or current.expiry == slot.lease_seen:
            return False
        slot.lease_seen = current.expiry
        if slot.phase is Phase.RUNNING and slot.process is not None:
            slot.process.touch(now)
        return True

    # --- verification and integration ----------------------------------------------------------

    def _verify(self, slot: Slot) -> None:
        """Commit the agent's work, merge the integration branch into it, run the gates."""
        assert slot.claim is not None and slot.log is not None
        worktree = slot.worktree
        ws = slot.workstream
        try:
            commit_all(worktree, f"{ws}: work of {slot.holder.name}", slot.holder.name)
            slot.base = self.target.commit()
            problem = merge(worktree, slot.base, slot.holder.name)
            board = self._board(slot.base)
            report = board.report
            problem = problem or self._refusal(slot, board.registry)
        except TtWsError as exc:
            problem = f"cannot integrate: {exc}"
        if problem:
            self._end_attempt(slot, ExitReason.FAILED, problem)
            return
        slot.must_stay_done = tuple(
            i for i, s in report.workstreams.items() if s.state is WorkstreamState.DONE and i != ws
        )
        run = ["run", ws, *slot.must_stay_done]
        argv = [*_TT_WS, *run]
        header = (
            f"--- tt-ws dispatch: the agent exited 0; on the merge result: tt-ws {' '.join(run)}\n"
        )
        try:
            slot.process = AgentProcess.start(argv, worktree, slot.credentials(), slot.log, header)
        except OSError as exc:
            self._end_attempt(slot, ExitReason.FAILED, f"cannot run the gates: {exc}")
            return
        slot.phase = Phase.VERIFYING
        self.display.event(f"[magenta]verify[/] {escape(ws)}: the agent exited 0; running gates")

    def _refusal(self, slot: Slot, before: Registry) -> str | None:
        """Why the merged work may not be integrated whatever its gates say (None: it may);
        drops the agent's own status/ files, which are claims, not proof."""
        edited, added = status_changes(slot.worktree, slot.base)
        if edited:
            return (
                "refused: the agent's diff edits or deletes evidence the dispatcher recorded: "
                + ", ".join(edited)
            )
        if changes_file(slot.worktree, slot.base, RUNNERS_FILE):
            return f"refused: the agent's diff changes the trusted runners ({RUNNERS_FILE})"
        loosened = loosened_gates(before, load_checked_registry(Layout(slot.worktree).registry))
        if loosened:
            return "refused: the agent's diff loosens gates: " + "; ".join(loosened)
        if added and drop_status_changes(slot.worktree, slot.base, slot.holder.name):
            self.display.event(
                f"{escape(slot.workstream)}: dropped {len(added)} status/ file(s) the agent "
                "wrote; only the dispatcher's own gate runs count"
            )
        return None

    def _conclude(self, slot: Slot) -> None:
        """Judge the gate run by the evidence it committed, then move the branch to it."""
        assert slot.claim is not None
        worktree = slot.worktree
        ws = slot.workstream
        try:
            render_status(worktree)
            commit_all(worktree, f"{ws}: evidence and status of the gate run", slot.holder.name)
            candidate = head(worktree)
            board = self._board(candidate)
        except TtWsError as exc:
            self._end_attempt(slot, ExitReason.FAILED, f"cannot integrate: {exc}")
            return
        missing, unmeasured = _not_done(board, (ws, *slot.must_stay_done))
        if missing:
            # No record on this tree: the gate run itself failed (e.g. refused); say how.
            last = slot.process.last_line() if slot.process and unmeasured else ""
            self._end_attempt(
                slot,
                ExitReason.FAILED,
                "the agent exited 0 but the gates do not pass: "
                + missing
                + (f" (the gate run said: {last})" if last else ""),
            )
            return
        if not self.target.advance(candidate, slot.base):
            slot.races += 1
            if slot.races > _INTEGRATION_RACES:
                self._end_attempt(
                    slot, ExitReason.FAILED, f"{self.config.target} kept moving during integration"
                )
            else:
                self._verify(slot)  # merge the newer branch and run the gates again
            return
        remove_worktree(self.root, worktree, slot.claim.branch)  # its work is on the branch now
        self._finish(slot, ExitReason.SUCCEEDED, f"integrated into {self.config.target}")

    # --- endings -------------------------------------------------------------------------------

    def _end_attempt(self, slot: Slot, reason: ExitReason, detail: str) -> None:
        self.display.event(
            f"[yellow]{reason.value}[/] {escape(slot.workstream)} attempt {slot.attempt}: "
            f"{escape(detail)}"
        )
        if self.config.retry.should_retry(reason, slot.attempt):
            delay = self.config.retry.delay(slot.attempt)
            slot.phase, slot.process, slot.races = Phase.BACKOFF, None, 0
            slot.retry_at, slot.since = time.monotonic() + delay, utc_now()
            slot.previous = f"{reason.value}: {detail} (log {slot.log})"
            return
        self._give_up(slot, reason, detail)

    def _give_up(self, slot: Slot, reason: ExitReason, detail: str) -> None:
        """Record the workstream blocked (durably, first), then release its claim."""
        why = f"{reason.value} after {slot.attempt} attempt(s): {detail}"
        self.blocked.mark(
            BlockedRecord(
                workstream=slot.workstream,
                reason=why,
                log=str(slot.log or ""),
                attempts=slot.attempt,
                holder=slot.holder.name,
                at=utc_now(),
            )
        )
        self._finish(slot, "blocked", why)

    def _finish(self, slot: Slot, result: ExitReason | str, detail: str) -> None:
        """Release the claim and free the slot."""
        try:
            self.store.release(slot.workstream, slot.holder)
        except ClaimError as exc:  # lost it already: nothing of ours to give back
            detail += f"; release: {exc}"
        self._close(slot, result, detail)

    def _close(self, slot: Slot, result: ExitReason | str, detail: str) -> None:
        name = result.value if isinstance(result, ExitReason) else result
        log = str(slot.log) if slot.log else None
        self.outcomes.append(
            Outcome(
                workstream=slot.workstream,
                result=name,
                attempts=slot.attempt,
                detail=detail,
                log=log,
            )
        )
        colour = "green" if result is ExitReason.SUCCEEDED else "red"
        where = f" (log {log})" if log and result is not ExitReason.SUCCEEDED else ""
        self.display.event(
            f"[{colour}]{name}[/] {escape(slot.workstream)}: {escape(detail + where)}"
        )
        slot.phase, slot.claim, slot.process, slot.since = Phase.IDLE, None, None, None
        slot.attempt, slot.races, slot.log = 0, 0, None
        self._stale = True

    def _renew(self, now: float) -> None:
        """Heartbeats: renew every held claim a few times per lease."""
        if now < self._next_renewal:
            return
        self._next_renewal = now + max(0.05, self.config.lease.total_seconds() / 4)
        records = self.store.snapshot().records
        for slot in self.slots:
            if slot.claim is None:
                continue
            # Look before overwriting it: the agent's own renewal since ours is a sign of life.
            self._renewed_by_agent(slot, now, records)
            try:
                slot.lease_seen = self.store.renew(
                    slot.workstream, slot.holder, self.config.lease
                ).expiry
            except ClaimError as exc:
                # Someone else may hold it now: stop, and neither release nor block it.
                if slot.process is not None:
                    slot.process.stop(self.config.grace_s)
                self._close(slot, ExitReason.CANCELLED, f"lost the claim: {exc}")

    def _cancel_all(self, why: str) -> None:
        """Stop every child first, then give every claim back."""
        held = [s for s in self.slots if s.claim is not None]
        for slot in held:
            if slot.process is not None:
                slot.process.stop(self.config.grace_s)
        for slot in held:
            self._finish(slot, ExitReason.CANCELLED, f"{why}; claim released")


def _not_done(board: Board, workstreams: tuple[str, ...]) -> tuple[str, bool]:
    """Why any of `workstreams` is not done on the board's tree ('' when all are), and whether
    some gate has no record on that tree at all."""
    reasons = []
    unmeasured = False
    for ws in workstreams:
        for gate in board.report.workstreams[ws].gates:
            if gate.state is GateState.PASS:
                continue
            unmeasured |= gate.state is not GateState.FAIL
            # Only a FAIL's reasons are about this tree; a STALE gate's are an old record's.
            failing = gate.state is GateState.FAIL and gate.reasons
            why = gate.reasons[0] if failing else gate.state.value
            reasons.append(f"{ws} {gate.gate.name}: {why}")
    return "; ".join(reasons), unmeasured
