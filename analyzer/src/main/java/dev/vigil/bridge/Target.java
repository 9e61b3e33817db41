package dev.vigil.bridge;

import java.util.List;

/**
 * A delivery target: turns pending alerts into HTTP calls. Planning must not change the target's state (a planned
 * message may not be sent this round); state changes go into {@link Message#onDelivered()}.
 */
interface Target {

    /** The target's kind; its id is the {@code target} metric tag. */
    TargetKind kind();

    /**
     * Plans messages for the given alerts, oldest first.
     *
     * @param alerts   pending alerts, at most one per alert id, in arrival order
     * @param grouped  whether the bridge is over its rate limit: combine alerts into few messages
     * @param maxBatch the most alerts one grouped message may carry
     * @return messages accounting for every given alert exactly once
     */
    List<Message> plan(List<Pending> alerts, boolean grouped, int maxBatch);
}
