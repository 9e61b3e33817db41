package dev.vigil.bridge;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Where alerts go that could not be delivered; returns only once the dead letter is stored. */
interface DeadLetterSink {
    /**
     * @param record   the original record (bytes and headers are kept as they were)
     * @param reason   a bounded reason code ({@code max_age}, {@code rejected}, {@code invalid_alert})
     * @param detail   one line: the last error, masked and cleaned
     * @param attempts delivery attempts made
     */
    void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, String detail, int attempts);
}
