"""The scheduler's jobs and the run loop: reminders → digests → the outbox → channels.

The API other parts use (deployment, `bot health`, the scale-out and fault tests):

    from jobs.worker import Worker
    worker = Worker(engine, settings, clock=None, worker_id=None, *, policy=None, wall=None,
                    throttle=True, wait_for_slots=False, stop=None)
        engine     an engine from bot.store.open_store (migrated)
        settings   bot.config.settings.Settings
        clock      business time (jobs.clock.RealClock by default; SimulatedClock for replays
                   and clock-jump tests): what is due, digest days, retry times
        wall       real time for leases, robot budgets and heartbeats (RealClock)
        worker_id  shown in logs, deliveries.worker, messages.lease_owner, worker_heartbeats
                   (default "<hostname>-<pid>")
        policy     jobs.policy.DeliveryPolicy (default: from the DUBAN_* environment)
        stop       a threading.Event; set it and the worker stops after the send in flight
    worker.prepare()        -> list[int]       take back leases no live sender can hold (at start)
    worker.build_digests()  -> DigestReport    due reminders → messages (run at each send time)
    worker.dispatch()       -> DispatchReport  reap expired leases, claim, send, record, until nothing is due
    worker.tick()           -> TickReport      build_digests() + dispatch(): `run --once`, each replay step
    worker.heartbeat()                          upsert worker_heartbeats(worker_id, last_beat)
    worker.run_forever()                        the APScheduler loop until `stop` (jobs.runner.run_live)

    jobs.replay.replay(worker, SimulatedClock, first: date, last: date) -> ReplayReport
    jobs.runner.stop_on_signals(stop)           SIGTERM/SIGINT → stop.set()
    jobs.runlock.single_runner(url)             the SQLite one-process lock (context manager)
    jobs.resilience.wait_for_store(url, stop)   open_store, waiting for the database to come up

Modules, one job each: clock (time), policy (attempts, backoff, leases), recipients (who gets
what), compose (one message per recipient), digest (reminders → outbox), outbox (claim, reap,
release), throttle (per-robot budgets shared through the database), channels (contact →
channel), outcomes (recording an attempt), dispatch (the send loop), notices (admin notices),
worker, runner (live loop), replay, runlock, resilience (database outages), history (`deliveries`).
docs/delivery.md explains the behaviour for admins.
"""
