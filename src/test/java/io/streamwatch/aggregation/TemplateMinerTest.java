package io.streamwatch.aggregation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The miner: templates that generalize, stable ids, bounded state, snapshot and restore. */
class TemplateMinerTest {

    @Test
    void linesThatDifferInAPlainWordShareOneTemplateWhoseIdStays() {
        TemplateMiner m = new TemplateMiner();

        TemplateMiner.Match first = m.add("User alice logged in from 10.0.0.1");
        TemplateMiner.Match second = m.add("User bob logged in from 10.0.0.2");

        assertThat(first.created()).isTrue();
        assertThat(first.id()).isEqualTo(PatternMasker.patternId("User alice logged in from <IP>"));
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(second.created()).isFalse();
        assertThat(second.generalized()).isTrue();
        assertThat(second.template()).isEqualTo("User <*> logged in from <IP>");
        assertThat(m.add("User carol logged in from 10.0.0.3").generalized()).isFalse();
    }

    @Test
    void theWordThatNamesAQuotedOrNumericValueTellsEventsApart() {
        TemplateMiner m = new TemplateMiner();

        String relation = m.add("ERROR: relation \"orders\" does not exist").id();
        String relation2 = m.add("ERROR: relation \"users\" does not exist").id();
        String column = m.add("ERROR: column \"cold\" does not exist").id();
        String code = m.add("worker process 12 exited with code 0").id();
        String signal = m.add("worker process 13 exited on signal 9").id();

        assertThat(relation2).isEqualTo(relation);
        assertThat(column).isNotEqualTo(relation);
        assertThat(signal).isNotEqualTo(code);
        // A plain word before an IP may be a variable (sshd): it does not split.
        String grace = m.add("Disconnected from user grace 10.0.0.1 port 22").id();
        assertThat(m.add("Disconnected from user trent 10.0.0.2 port 23").id()).isEqualTo(grace);
    }

    @Test
    void aBracketedListIsOneTokenWhateverItsLength() {
        TemplateMiner m = new TemplateMiner();

        String one =
                m.add("Consumer group gateway rebalanced, assigned partitions [orders-0]").id();
        TemplateMiner.Match three =
                m.add("Consumer group search rebalanced, assigned partitions [a-0, a-1, a-2]");

        assertThat(three.id()).isEqualTo(one);
        assertThat(three.template())
                .isEqualTo("Consumer group <*> rebalanced, assigned partitions <*>");
        // A constant list stays as written, and survives a snapshot and restore.
        String signals = m.add("Registered signal handlers for [TERM, HUP, INT]").id();
        TemplateMiner restored = TemplateMiner.restore(m.config(), m.snapshot());
        TemplateMiner.Match again = restored.add("Registered signal handlers for [TERM, HUP, INT]");
        assertThat(again.id()).isEqualTo(signals);
        assertThat(again.template()).isEqualTo("Registered signal handlers for [TERM, HUP, INT]");
    }

    @Test
    void differentEventsGetDifferentTemplates() {
        TemplateMiner m = new TemplateMiner();

        String a = m.add("Connection pool exhausted after 30 s").id();
        String b = m.add("Disk /dev/sda1 is full").id();
        String c = m.add("Starting worker").id();

        assertThat(List.of(a, b, c)).doesNotHaveDuplicates();
        assertThat(m.size()).isEqualTo(3);
    }

    @Test
    void keyValueTokensKeepTheirKey() {
        TemplateMiner m = new TemplateMiner();

        m.add("request done state=RUNNING user=alice");
        TemplateMiner.Match r = m.add("request done state=FAILED user=alice");

        assertThat(r.template()).isEqualTo("request done state=<*> user=alice");
    }

    @Test
    void aStackTraceAfterTheFirstLineDoesNotSplitAnEvent() {
        TemplateMiner m = new TemplateMiner();

        String a = m.add("Request failed: java.io.IOException\n\tat a.B.c(B.java:1)").id();
        String b =
                m.add(
                                "Request failed: java.io.IOException\n\tat a.B.c(B.java:1)\n\tat x.Y.z(Y.java:9)")
                        .id();

        assertThat(b).isEqualTo(a);
    }

    @Test
    void nullBlankAndHugeMessagesAreTemplatesToo() {
        TemplateMiner m = new TemplateMiner();

        assertThat(m.add(null).template()).isEmpty();
        assertThat(m.add("   \n  ").id()).isEqualTo(m.add("").id());
        assertThat(m.add("x ".repeat(100_000)).template()).startsWith("x x");
    }

    @Test
    void theLeastRecentlySeenTemplateIsEvicted() {
        TemplateMiner m = new TemplateMiner(new TemplateMiner.Config(4, 0.5, 100, 2));

        String a = m.add("alpha event happened").id();
        m.add("beta thing occurred here");
        m.add("alpha event happened");
        m.add("gamma started now and then");

        assertThat(m.size()).isEqualTo(2);
        assertThat(m.template(a)).isEqualTo("alpha event happened");
        assertThat(m.snapshot().templates)
                .extracting(t -> t.template)
                .containsExactly("alpha event happened", "gamma started now and then");
    }

    @Test
    void aRestoredMinerAssignsTheSameIdsAsTheOriginal() throws Exception {
        List<LogCorpora.Labeled> lines = LogCorpora.read("java-services");
        TemplateMiner.Config config = new TemplateMiner.Config(4, 0.5, 100, 30);
        TemplateMiner original = new TemplateMiner(config);
        for (LogCorpora.Labeled l : lines.subList(0, 400)) {
            original.add(l.message());
        }

        TemplateMiner restored = TemplateMiner.restore(config, copy(original.snapshot()));

        assertThat(restored.snapshot()).usingRecursiveComparison().isEqualTo(original.snapshot());
        List<TemplateMiner.Match> a = new ArrayList<>();
        List<TemplateMiner.Match> b = new ArrayList<>();
        for (LogCorpora.Labeled l : lines.subList(400, lines.size())) {
            a.add(original.add(l.message()));
            b.add(restored.add(l.message()));
        }
        assertThat(b).isEqualTo(a);
        assertThat(restored.snapshot()).usingRecursiveComparison().isEqualTo(original.snapshot());
    }

    /** A deep copy, as a state backend would give back. */
    private static TemplateMiner.State copy(TemplateMiner.State s) {
        TemplateMiner.State c = new TemplateMiner.State();
        c.clock = s.clock;
        for (TemplateMiner.TemplateState t : s.templates) {
            TemplateMiner.TemplateState u = new TemplateMiner.TemplateState();
            u.id = t.id;
            u.template = t.template;
            u.path = new ArrayList<>(t.path);
            u.count = t.count;
            u.lastSeen = t.lastSeen;
            u.of = t.of;
            u.values = t.values == null ? null : new ArrayList<>(t.values);
            c.templates.add(u);
        }
        return c;
    }
}
