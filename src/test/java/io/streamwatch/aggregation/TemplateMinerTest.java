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
        // FNV-1a 32 of the first line's masked pattern, "User alice logged in from <IP>".
        assertThat(first.id()).isEqualTo("f8b51a16");
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

    @Test
    void atExactlyTheThresholdALineStartsItsOwnTemplate() {
        TemplateMiner m = new TemplateMiner();

        // Two words, one differs: a similarity of exactly 0.5.
        String a = m.add("Stopping worker").id();
        String b = m.add("Stopping mailer").id();

        assertThat(b).isNotEqualTo(a);
    }

    @Test
    void aWordATemplateKeptOverSeveralLinesIsAConstantOfItsEvent() {
        TemplateMiner m = new TemplateMiner();
        String started = null;
        for (int i = 0; i < TemplateMiner.CONFIRMED; i++) {
            started =
                    m.add(
                                    "[instance: 1b29a018-55bb-47b3-a1c6-20960"
                                            + (10 + i)
                                            + "c437b] VM Started (Lifecycle Event)")
                            .id();
        }

        String stopped =
                m.add(
                                "[instance: 7b29a018-55bb-47b3-a1c6-2096018c437b] VM Stopped (Lifecycle Event)")
                        .id();

        assertThat(stopped).isNotEqualTo(started);
        // A young template still takes a line that differs in one word of many.
        TemplateMiner young = new TemplateMiner();
        String alice = young.add("Order 12 placed by user alice with 3 items").id();
        assertThat(young.add("Order 13 placed by user bob with 1 items").id()).isEqualTo(alice);
    }

    @Test
    void aPlainFirstWordTellsEventsApart() {
        TemplateMiner m = new TemplateMiner();

        String instruction = m.add("instruction TLB error interrupt").id();
        String data = m.add("data TLB error interrupt").id();

        assertThat(data).isNotEqualTo(instruction);
    }

    @Test
    void differentValuesAreAVariableWhateverTheirKind() {
        TemplateMiner m = new TemplateMiner();

        // A host name, a package and an address are values: the first token varies.
        String a = m.add("com.example.mail: scheduler told me to run this job").id();
        String b = m.add("org.acme.sync.Worker: scheduler told me to run this job").id();
        String c = m.add("db1.example.org:5432 closed the connection").id();
        String d = m.add("10.0.0.7:5432 closed the connection").id();

        assertThat(b).isEqualTo(a);
        assertThat(d).isEqualTo(c);
    }

    @Test
    void theMethodOfAQuotedRequestAndAQuotedStateTellEventsApart() {
        TemplateMiner m = new TemplateMiner();

        String get =
                m.add("10.0.0.1 \"GET /v2/abc/servers/detail HTTP/1.1\" status: 200 len: 1893")
                        .id();
        String get2 =
                m.add("10.0.0.2 \"GET /v2/xyz/servers/detail HTTP/1.1\" status: 404 len: 12").id();
        String post =
                m.add("10.0.0.1 \"POST /v2/abc/servers/detail HTTP/1.1\" status: 200 len: 1893")
                        .id();
        String active = m.add("Account 12 state 'Active'").id();
        String inactive = m.add("Account 13 state 'Inactive'").id();

        assertThat(get2).isEqualTo(get);
        assertThat(post).isNotEqualTo(get);
        assertThat(inactive).isNotEqualTo(active);
    }

    @Test
    void anOptionalValueOrFreeTextAtTheEndIsTheSameEventWithTheSameId() {
        TemplateMiner m = new TemplateMiner();

        TemplateMiner.Match plain = m.add("example.org:80 close, 1200 bytes sent, lifetime 00:01");
        TemplateMiner.Match sized =
                m.add("example.org:80 close, 1200 bytes (1.2 KB) sent, lifetime 00:02");
        TemplateMiner.Match disk = m.add("Node n1 reported UNHEALTHY with details: disk full");
        TemplateMiner.Match dirs =
                m.add("Node n2 reported UNHEALTHY with details: local-dirs are bad");

        assertThat(sized.id()).isEqualTo(plain.id());
        // A form of another length has its own state entry that reports the template's id.
        assertThat(sized.key()).isNotEqualTo(sized.id());
        assertThat(m.templateState(sized.key()).of).isEqualTo(plain.id());
        assertThat(dirs.id()).isEqualTo(disk.id());
        assertThat(dirs.template())
                .isEqualTo("Node n<NUM> reported UNHEALTHY with details: <*> <*> <*>");
        // But a plain word more is another event.
        assertThat(m.add("example.org:80 close, 1200 bytes sent, lifetime 00:01 by peer").id())
                .isNotEqualTo(plain.id());
    }

    @Test
    void rareTemplatesThatDifferInOneWordAreMergedAndTheirIdsResolveToTheSurvivor() {
        TemplateMiner m = new TemplateMiner();

        // Quoted capitalized words keep templates apart, until a third one shows the word varies.
        String a = m.add("Queue 'Orders' for tenant acme is full").id();
        String b = m.add("Queue 'Payments' for tenant acme is full").id();
        TemplateMiner.Match c = m.add("Queue 'Emails' for tenant acme is full");

        assertThat(b).isNotEqualTo(a);
        assertThat(c.merged()).hasSize(1);
        String survivor = c.id();
        assertThat(survivor).isIn(a, b);
        assertThat(m.resolve(a)).isEqualTo(survivor);
        assertThat(m.resolve(b)).isEqualTo(survivor);
        assertThat(c.template()).isEqualTo("Queue <*> for tenant acme is full");
        assertThat(m.add("Queue 'Audit' for tenant acme is full").id()).isEqualTo(survivor);
        // The aliases survive a snapshot and restore.
        TemplateMiner restored = TemplateMiner.restore(m.config(), copy(m.snapshot()));
        assertThat(restored.resolve(a)).isEqualTo(survivor);
        assertThat(restored.resolve(b)).isEqualTo(survivor);
        assertThat(restored.size()).isEqualTo(1);
    }

    @Test
    void aStateWrittenByTheTreeRoutedMinerRestoresWithItsIds() {
        // What the previous miner wrote: a tree path of token count and leading tokens, and no
        // values, forms or merged ids.
        TemplateMiner.State old = new TemplateMiner.State();
        old.clock = 10;
        TemplateMiner.TemplateState t = new TemplateMiner.TemplateState();
        t.id = "f8b51a16";
        t.template = "User <*> logged in from <IP>";
        t.path = List.of("6", "User", "<*>");
        t.count = 9;
        t.lastSeen = 10;
        old.templates.add(t);

        TemplateMiner m = TemplateMiner.restore(TemplateMiner.Config.defaults(), old);

        TemplateMiner.Match carol = m.add("User carol logged in from 10.0.0.3");
        assertThat(carol.id()).isEqualTo("f8b51a16");
        assertThat(carol.created()).isFalse();
        assertThat(m.resolve("f8b51a16")).isEqualTo("f8b51a16");
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
            u.merged = t.merged == null ? null : new ArrayList<>(t.merged);
            c.templates.add(u);
        }
        return c;
    }
}
