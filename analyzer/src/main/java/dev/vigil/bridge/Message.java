package dev.vigil.bridge;

import java.util.List;

/**
 * What a target makes of some pending alerts: the HTTP calls that deliver them (all must succeed, in order), or
 * none when there is nothing to send (a dropped severity, a resolve already covered elsewhere).
 *
 * @param alerts      the alerts this message accounts for; each pending alert is in exactly one message per plan
 * @param calls       the requests; empty means the alerts are settled without a request
 * @param dropped     with no calls: the alerts were dropped by configuration (else: delivered without a request)
 * @param grouped     whether this is a grouped (storm) message
 * @param onDelivered bookkeeping the target does once every call succeeded
 */
record Message(List<Pending> alerts, List<HttpCall> calls, boolean dropped, boolean grouped, Runnable onDelivered) {
    Message {
        alerts = List.copyOf(alerts);
        calls = List.copyOf(calls);
    }

    static Message send(final List<Pending> alerts, final boolean grouped, final List<HttpCall> calls,
                        final Runnable onDelivered) {
        return new Message(alerts, calls, false, grouped, onDelivered);
    }

    static Message drop(final Pending alert) {
        return new Message(List.of(alert), List.of(), true, false, () -> { });
    }
}
