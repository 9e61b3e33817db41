package dev.vigil.bridge;

import java.net.URI;
import java.util.Map;

/**
 * One POST a target wants made.
 *
 * @param uri     where to
 * @param body    the JSON body
 * @param headers extra headers (Content-Type is always application/json)
 */
record HttpCall(URI uri, byte[] body, Map<String, String> headers) {
    HttpCall {
        headers = Map.copyOf(headers);
    }
}
