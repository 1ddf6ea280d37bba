package io.ballast.job;

import io.ballast.TestRecords;
import io.ballast.avro.Instrument;
import io.ballast.avro.OptionRight;
import io.ballast.avro.PriceUnit;
import io.ballast.avro.Quote;
import io.ballast.avro.Side;
import io.ballast.avro.Trade;
import io.ballast.avro.internal.SourcedTrade;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The Kafka sources' mappers hand the pipeline USD records: the conversion happens there, once. */
class InputsCoinQuotedTest {

    private final Instrument call = TestRecords.option("BTC", 100_000, TestRecords.now().plusSeconds(86_400 * 7L),
            OptionRight.CALL);

    {
        call.setPriceUnit(PriceUnit.UNDERLYING);
    }

    private static ConsumerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
        return new ConsumerRecord<>(topic, 3, 42L, key.getBytes(StandardCharsets.UTF_8), value);
    }

    @Test
    void quotesLeaveTheSourceInUsd() {
        Quote q = TestRecords.quote(call, 0.094, 0.098, TestRecords.now());
        q.setUnderlyingPrice(110_673.759);
        Quote out = new Inputs.QuoteMapper().map(q, record("quotes", "BTC-C", new byte[] {0}));
        assertThat(out.getBid()).isEqualTo(0.094 * 110_673.759);
        assertThat(out.getAsk()).isEqualTo(0.098 * 110_673.759);
        assertThat(out.getInstrument().getPriceUnit()).isEqualTo(PriceUnit.QUOTE_CURRENCY);
    }

    @Test
    void tradesLeaveTheSourceInUsdWithTheirOriginalBytes() {
        Trade t = TestRecords.trade("d-1", "mm1", call, Side.BUY, 2, 0.0965, TestRecords.now());
        t.setFee(0.0006);
        t.setUnderlyingPrice(110_673.759);
        byte[] payload = {0, 0, 0, 0, 7, 1, 2, 3};
        SourcedTrade out = new Inputs.TradeMapper().map(t, record("trades", "mm1", payload));
        assertThat(out.getTrade().getPrice()).isEqualTo(0.0965 * 110_673.759);
        assertThat(out.getTrade().getFee()).isEqualTo(0.0006 * 110_673.759);
        assertThat(out.getTrade().getInstrument().getPriceUnit()).isEqualTo(PriceUnit.QUOTE_CURRENCY);
        assertThat(out.getPayload()).isEqualTo(ByteBuffer.wrap(payload));
        assertThat(out.getOffset()).isEqualTo(42L);
    }
}
