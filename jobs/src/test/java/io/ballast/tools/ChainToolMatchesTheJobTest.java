package io.ballast.tools;

import io.ballast.avro.Instrument;
import io.ballast.domain.Keys;
import io.ballast.avro.InstrumentKind;
import io.ballast.avro.OptionRight;
import io.ballast.avro.Quote;
import io.ballast.avro.VolSkew;
import io.ballast.avro.internal.MarketSnapshot;
import io.ballast.avro.internal.MarketTick;
import io.ballast.avro.internal.OptionIv;
import io.ballast.config.PipelineOptions;
import io.ballast.domain.PipelineSettings;
import io.ballast.stages.MarketFunction;
import io.ballast.stages.QuoteIvFunction;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.StreamMap;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chain tool promises "exactly the job's numbers": the same chain fed to both, as a CSV file to the
 * tool and as quotes through the job's implied-vol and market stages, gives the same implied vol for
 * every option and the same smile for every expiry, to the last bit.
 */
class ChainToolMatchesTheJobTest {

    private static final Path CHAIN = Path.of("..", "examples", "chain.csv");

    @Test
    void theToolAndTheJobGiveTheSameVolsAndSmiles() throws Exception {
        List<String> lines = Files.readAllLines(CHAIN);
        List<Quote> quotes = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] c = line.split(",");
            Instrument ins = Instrument.newBuilder().setSymbol(c[0]).setUnderlying(c[1]).setKind(InstrumentKind.OPTION)
                    .setStrike(Double.parseDouble(c[3])).setExpiry(Instant.parse(c[2]))
                    .setRight(c[4].equals("C") ? OptionRight.CALL : OptionRight.PUT).setMultiplier(1.0).build();
            quotes.add(Quote.newBuilder().setInstrument(ins).setVenue("X").setBid(Double.parseDouble(c[5]))
                    .setAsk(Double.parseDouble(c[6])).setUnderlyingPrice(Double.parseDouble(c[7]))
                    .setEventTime(Instant.parse(c[8])).build());
        }

        // The job: every quote priced, then one market snapshot with every smile.
        PipelineSettings settings = PipelineOptions.parse("--market.snapshot-interval", "1 h");
        Map<String, Double> jobIvs = new HashMap<>();
        Map<String, VolSkew> jobSmiles = new HashMap<>();
        try (OneInputStreamOperatorTestHarness<Quote, MarketTick> iv =
                     new OneInputStreamOperatorTestHarness<>(new StreamMap<>(new QuoteIvFunction(settings)));
             KeyedOneInputStreamOperatorTestHarness<String, MarketTick, MarketSnapshot> market =
                     new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new MarketFunction(settings)),
                             MarketTick::getUnderlying, Types.STRING)) {
            iv.open();
            market.open();
            for (Quote q : quotes) {
                iv.processElement(q, q.getEventTime().toEpochMilli());
            }
            for (MarketTick t : iv.extractOutputValues()) {
                market.processElement(t, t.getEventTime());
            }
            market.setProcessingTime(Long.MAX_VALUE / 2); // the flush of what the throttle held back
            List<MarketSnapshot> snapshots = market.extractOutputValues();
            for (Map.Entry<String, OptionIv> e : snapshots.get(snapshots.size() - 1).getOptions().entrySet()) {
                if (e.getValue().getIv() != null) {
                    assertThat(Keys.venueOf(e.getKey())).as("the venue of %s", e.getKey()).isEqualTo("X");
                    jobIvs.put(Keys.symbolOf(e.getKey()), e.getValue().getIv());
                }
            }
            for (StreamRecord<VolSkew> r : market.getSideOutput(MarketFunction.SKEW)) {
                jobSmiles.put(r.getValue().getUnderlying() + "," + r.getValue().getExpiry(), r.getValue());
            }
        }

        // The tool, on the file.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int status = ChainTool.run(new String[] {CHAIN.toString()}, new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
        assertThat(status).isZero();
        List<String> printed = List.of(out.toString(StandardCharsets.UTF_8).split("\n"));
        int blank = printed.indexOf("");
        Map<String, Double> toolIvs = new HashMap<>();
        for (String line : printed.subList(1, blank)) {
            String[] c = line.split(",", -1);
            if (c[11].equals("OK")) {
                toolIvs.put(c[0], Double.parseDouble(c[10]));
            }
        }
        assertThat(toolIvs).hasSizeGreaterThan(60).isEqualTo(jobIvs);

        List<String> smiles = printed.subList(blank + 2, printed.size());
        assertThat(smiles).hasSize(4);
        assertThat(jobSmiles).hasSize(4);
        for (String line : smiles) {
            String[] c = line.split(",", -1);
            VolSkew job = jobSmiles.get(c[0] + "," + c[1]);
            assertThat(job).as(line).isNotNull();
            assertThat(Double.parseDouble(c[2])).as("forward").isEqualTo(job.getForward());
            assertThat(Double.parseDouble(c[3])).as("timeToExpiry").isEqualTo(job.getTimeToExpiry());
            assertThat(Double.parseDouble(c[6])).as("atmVol").isEqualTo(job.getAtmVol());
            assertThat(c[7]).as("rr25").isEqualTo(text(job.getRr25()));
            assertThat(c[8]).as("bf25").isEqualTo(text(job.getBf25()));
            assertThat(c[9]).as("sviA").isEqualTo(text(job.getSviA()));
            assertThat(c[10]).as("sviB").isEqualTo(text(job.getSviB()));
            assertThat(c[11]).as("sviRho").isEqualTo(text(job.getSviRho()));
            assertThat(c[12]).as("sviM").isEqualTo(text(job.getSviM()));
            assertThat(c[13]).as("sviSigma").isEqualTo(text(job.getSviSigma()));
            assertThat(Double.parseDouble(c[14])).as("rmse").isEqualTo(job.getRmse());
            assertThat(Integer.parseInt(c[15])).as("points").isEqualTo(job.getPoints());
        }
    }

    private static String text(Double v) {
        return v == null ? "" : Double.toString(v);
    }
}
