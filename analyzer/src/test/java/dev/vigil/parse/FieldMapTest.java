package dev.vigil.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FieldMapTest {

    @Test
    void shouldBehaveAsAMapWhateverTheNamesIdentity() {
        final FieldMap f = new FieldMap(2);
        final Map<String, Object> want = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            final String name = "field" + i;
            assertNull(f.put(name, i));
            want.put(name, i);
        }
        assertEquals(5, f.put("field5", "five"), "a second put replaces and returns the old value");
        want.put("field5", "five");
        assertEquals(want, f);
        assertEquals(f, want);
        assertEquals(want.hashCode(), f.hashCode());
        assertEquals("five", f.get(new String("field5")), "found by equals when not by identity");
        assertEquals(0, f.remove("field0"));
        want.remove("field0");
        assertEquals(want, f);
        assertEquals("field1", f.keySet().iterator().next(), "insertion order");
        for (int i = 1; i < 40; i++) {
            assertEquals(want.get("field" + i), f.get("field" + i), "still found after a removal moved the rest");
        }
        assertNull(f.put("late", 1));
        assertEquals(List.of("field38", "field39", "late"), List.copyOf(f.keySet()).subList(37, 40));
        f.clear();
        assertEquals(0, f.size());
        assertNull(f.get("field3"));
        f.put("again", 2);
        assertEquals(Map.of("again", 2), f);
    }

    @Test
    void shouldAgreeWithALinkedHashMapOnRandomOperationsAsItGrowsAndShrinks() {
        final Random random = new Random(42);
        for (int round = 0; round < 200; round++) {
            final FieldMap f = new FieldMap(random.nextInt(20));
            final Map<String, Object> want = new LinkedHashMap<>();
            final int names = 1 + random.nextInt(72);
            for (int op = 0; op < 300; op++) {
                // a fresh copy of the name: found by equals, not identity
                final String name = new String("f" + random.nextInt(names));
                final int value = random.nextInt(5);
                switch (random.nextInt(5)) {
                    case 0, 1 -> assertEquals(want.put(name, value), f.put(name, value), name);
                    case 2 -> assertEquals(want.putIfAbsent(name, value), f.putIfAbsent(name, value), name);
                    case 3 -> assertEquals(want.remove(name), f.remove(name), name);
                    default -> {
                        assertEquals(want.get(name), f.get(name), name);
                        assertEquals(want.containsKey(name), f.containsKey(name), name);
                    }
                }
                assertEquals(want.size(), f.size());
            }
            assertEquals(new ArrayList<>(want.entrySet()), new ArrayList<>(f.entrySet()), "same pairs, same order");
            for (int i = 0; i < names; i++) {
                assertEquals(want.get("f" + i), f.get("f" + i));
            }
            assertNull(f.get("absent"));
            assertNull(f.get(42), "a name is a string");
        }
    }

    @Test
    void shouldTakeAValueForANameMappedToNullOnPutIfAbsent() {
        final FieldMap f = new FieldMap(1);
        f.put("user", null);
        assertNull(f.putIfAbsent("user", "alice"));
        assertEquals("alice", f.putIfAbsent("user", "bob"));
        assertEquals(Map.of("user", "alice"), f);
    }

    @Test
    void shouldBeReadOnlyOnceAnEventHoldsIt() {
        final FieldMap f = new FieldMap();
        f.put("status", 502L);
        final LogEvent e = new LogEvent(0, Source.NGINX, null, null, Level.ERROR, "m", "m", f);
        assertEquals(502L, e.fields().get("status"));
        assertThrows(UnsupportedOperationException.class, () -> e.fields().put("status", 200L));
        assertThrows(UnsupportedOperationException.class, () -> e.fields().remove("status"));
        assertTrue(e.withTime(5).fields().containsKey("status"));
        assertEquals(List.of("status"), List.copyOf(e.fields().keySet()));
    }
}
