package io.fastlimit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IpAddressesTest {

    @ParameterizedTest
    @CsvSource({
            "192.0.2.1, 192.0.2.1",
            "0.0.0.0, 0.0.0.0",
            "255.255.255.255, 255.255.255.255",
            "010.001.000.009, 10.1.0.9",
            "::1, ::1",
            "::, ::",
            "0:0:0:0:0:0:0:1, ::1",
            "2001:DB8:0:0:0:0:0:1, 2001:db8::1",
            "2001:0db8:0000:0000:0001:0000:0000:0001, 2001:db8::1:0:0:1",
            "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1",
            "2001:db8::0:1, 2001:db8::1",
            "fe80::1%eth0, fe80::1",
            "::ffff:192.0.2.1, 192.0.2.1",
            "::FFFF:c000:0201, 192.0.2.1",
            "64:ff9b::192.0.2.33, 64:ff9b::c000:221",
            "1::, 1::",
            "1:0:0:2:0:0:0:3, 1:0:0:2::3",
    })
    void normalisesToOneCanonicalForm(String literal, String canonical) {
        assertThat(IpAddresses.normalise(literal)).isEqualTo(canonical);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "localhost", "example.com", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-4", "1..2.3",
            ":::", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "::g", "1:2:3:4:5:6:7", ":1", "1:", "1.2.3.4:80:1",
            "[::1]", " 1.2.3.4", "1.2.3.4 ", "１.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "unknown", "{x}"})
    void rejectsWhatIsNotAnAddress(String literal) {
        assertThat(IpAddresses.normalise(literal)).isNull();
        assertThat(IpAddresses.parse(literal)).isNull();
    }

    @Test
    void rejectsNullAndHugeInput() {
        assertThat(IpAddresses.normalise(null)).isNull();
        assertThat(IpAddresses.normalise("1".repeat(10_000))).isNull();
    }

    @Test
    void returnsCanonicalIpv4WithoutCopying() {
        String address = "203.0.113.9";
        assertThat(IpAddresses.normalise(address)).isSameAs(address);
    }

    @ParameterizedTest
    @CsvSource({
            "2001:db8:1:2:3:4:5:6, 64, 2001:db8:1:2::/64",
            "2001:db8:1:2:3:4:5:6, 48, 2001:db8:1::/48",
            "2001:db8:1:2ff::1, 56, 2001:db8:1:200::/56",
            "2001:db8:1:2:3:4:5:6, 63, 2001:db8:1:2::/63",
            "2001:db8:1:3:3:4:5:6, 63, 2001:db8:1:2::/63",
            "2001:db8:1:2:3:4:5:6, 128, 2001:db8:1:2:3:4:5:6",
            "::1, 64, ::/64",
    })
    void ipv6NetworksAreWrittenInCanonicalForm(String address, int bits, String network) {
        assertThat(IpAddresses.ipv6Network(IpAddresses.parse(address), bits)).isEqualTo(network);
    }

    @Test
    void rangesMatchIpv4AndIpv6() {
        assertThat(IpRange.parse("10.0.0.0/8").contains(IpAddresses.parse("10.200.3.4"))).isTrue();
        assertThat(IpRange.parse("10.0.0.0/8").contains(IpAddresses.parse("11.0.0.1"))).isFalse();
        assertThat(IpRange.parse("192.168.1.128/25").contains(IpAddresses.parse("192.168.1.200"))).isTrue();
        assertThat(IpRange.parse("192.168.1.128/25").contains(IpAddresses.parse("192.168.1.127"))).isFalse();
        assertThat(IpRange.parse("2001:db8::/32").contains(IpAddresses.parse("2001:db8:ffff::1"))).isTrue();
        assertThat(IpRange.parse("2001:db8::/32").contains(IpAddresses.parse("2001:db9::1"))).isFalse();
        assertThat(IpRange.parse("2001:db8::/32").contains(IpAddresses.parse("10.0.0.1"))).isFalse();
        assertThat(IpRange.parse("::1").contains(IpAddresses.parse("0:0:0:0:0:0:0:1"))).isTrue();
        assertThat(IpRange.parse("0.0.0.0/0").contains(IpAddresses.parse("8.8.8.8"))).isTrue();
        assertThat(IpRange.parse("::ffff:10.0.0.0/104").contains(IpAddresses.parse("10.1.2.3"))).isTrue();
        assertThat(IpRange.parse("203.0.113.7").contains(IpAddresses.parse("::ffff:203.0.113.7"))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "::/129", "10.0.0.0/x", "10.0.0/8", "host.example", "", "10.0.0.0/"})
    void badRangesFailWithTheValue(String spec) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> IpRange.parse(spec))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + spec + "'");
    }
}
