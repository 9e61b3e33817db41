package dev.vigil.bridge;

/** Makes one HTTP call and classifies the answer; never throws for network or HTTP errors. */
interface Sender {
    SendResult send(HttpCall call);
}
