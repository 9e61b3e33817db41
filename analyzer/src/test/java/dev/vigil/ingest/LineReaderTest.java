package dev.vigil.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {

    private static List<String> lines(final byte[] input) throws IOException {
        final LineReader r = new LineReader(new ByteArrayInputStream(input), false);
        final List<String> out = new ArrayList<>();
        String l;
        while ((l = r.nextString()) != null) {
            out.add(l);
        }
        return out;
    }

    @Test
    void shouldSplitOnNewlinesDroppingCarriageReturns() throws IOException {
        assertEquals(List.of("a", "b", "", "c\rd", "last"),
            lines("a\r\nb\n\nc\rd\nlast".getBytes(StandardCharsets.UTF_8)));
        assertEquals(List.of("x"), lines("x\r".getBytes(StandardCharsets.UTF_8)), "unterminated last line");
        assertEquals(List.of(), lines(new byte[0]));
    }

    @Test
    void shouldReplaceMalformedUtf8() throws IOException {
        final byte[] in = {'o', 'k', ' ', (byte) 0xff, (byte) 0xc3, '\n', (byte) 0xc3, (byte) 0xa9, '\n'};
        assertEquals(List.of("ok \ufffd\ufffd", "\u00e9"), lines(in));
    }

    @Test
    void shouldGiveTheSameLinesWhereverTheBufferEnds() throws IOException {
        // lines around the 64 KiB buffer edge, a "\r\n" split across it among them
        final StringBuilder sb = new StringBuilder();
        final List<String> want = new ArrayList<>();
        for (int i = 0; sb.length() < 3 * 65536; i++) {
            final String line = "line " + i + " " + "x".repeat(i % 97);
            want.add(line);
            sb.append(line).append(i % 3 == 0 ? "\r\n" : "\n");
        }
        final byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        assertEquals(want, lines(bytes));
        // and one byte at a time, as a slow pipe delivers it
        final InputStream slow = new ByteArrayInputStream(bytes) {
            @Override
            public synchronized int read(final byte[] b, final int off, final int len) {
                return super.read(b, off, Math.min(len, 1));
            }
        };
        final LineReader r = new LineReader(slow, false);
        for (final String w : want.subList(0, 200)) {
            assertEquals(w, r.nextString());
        }
    }

    @Test
    void shouldBoundAnEndlessLine() throws IOException {
        final byte[] huge = new byte[LineReader.MAX_LINE_BYTES * 5];
        Arrays.fill(huge, (byte) 'a');
        final byte[] input = new byte[huge.length + 6];
        System.arraycopy(huge, 0, input, 0, huge.length);
        System.arraycopy("\nnext\n".getBytes(StandardCharsets.UTF_8), 0, input, huge.length, 6);
        final LineReader r = new LineReader(new ByteArrayInputStream(input), false);
        final byte[] first = r.next();
        assertTrue(first.length > LineReader.MAX_LINE_BYTES && first.length <= 2 * LineReader.MAX_LINE_BYTES + 65536,
            "the head only, over the limit so that the consumer truncates it: " + first.length);
        assertArrayEquals("next".getBytes(StandardCharsets.UTF_8), r.next());
        assertNull(r.next());
        assertEquals(input.length, r.bytesRead());
    }

    @Test
    void shouldHoldAnUnfinishedLineBackWhenFollowing() throws IOException {
        final LineReader r = new LineReader(new ByteArrayInputStream("done\nhalf".getBytes(StandardCharsets.UTF_8)),
            true);
        assertEquals("done", r.nextString());
        assertNull(r.nextString(), "the writer may not have finished 'half'");
    }

    @Test
    void shouldFindTheFirstNewlineAtEveryOffsetAndAlignment() {
        // bytes around the newline that trip a careless zero-byte test: 0x0B (newline ^ 0x01), 0x8A, 0x0A + 0x80
        final byte[] fillers = {'a', 0x0B, (byte) 0x8A, 0x09, (byte) 0xFF, 0x00};
        final java.util.Random random = new java.util.Random(3);
        for (int round = 0; round < 2000; round++) {
            final byte[] b = new byte[1 + random.nextInt(40)];
            for (int i = 0; i < b.length; i++) {
                b[i] = fillers[random.nextInt(fillers.length)];
                if (random.nextInt(12) == 0) {
                    b[i] = '\n';
                }
            }
            final int from = random.nextInt(b.length);
            final int to = from + random.nextInt(b.length - from + 1);
            int expected = -1;
            for (int i = from; i < to; i++) {
                if (b[i] == '\n') {
                    expected = i;
                    break;
                }
            }
            assertEquals(expected, LineReader.indexOfNewline(b, from, to), () -> Arrays.toString(b) + " " + from
                + ".." + to);
        }
    }
}
