using System.Net;
using System.Net.Sockets;
using BindingBehaviour.KernelTables;
using BindingBehaviour.Native;
using BindingBehaviour.Tests.Infrastructure;
using Xunit.Abstractions;

namespace BindingBehaviour.Tests.Engine;

/// <summary>The kernel-table reader: its parser, its reasons for not reading, and (where it can) one real read.</summary>
public sealed class KernelTablesTests(ITestOutputHelper output)
{
    private const string Root = "Uid:\t0\t0\t0\t0\nCapEff:\t000001ffffffffff\n";

    [Fact]
    public void A_tcp_listening_line_parses_into_its_fields()
    {
        var socket = KernelTableLines.ParseLine("tcp-listening bucket=- family=2 state=10 address=127.0.0.1 port=40000 reuse=1 reuseport=0 v6only=0 uid=0 netns=4026531833 inode=81234");

        socket.Should().Be(new KernelSocket(KernelTable.TcpListening, null, AddressFamily.InterNetwork, 10, IPAddress.Loopback, 40000, 1, 0, false, 0, 4026531833, 81234));
        socket.Protocol.Should().Be("tcp");
        socket.StateName.Should().Be("LISTEN");
        socket.Describe(40000).Should().Be("tcp listening hash | - | 127.0.0.1:P | IPv4 | LISTEN | reuse=1 reuseport=0 | uid 0 | netns 4026531833");
    }

    [Fact]
    public void A_udp_ipv6_line_keeps_its_bucket_and_v6only_flag()
    {
        var sockets = KernelTableLines.Parse(
            "udp bucket=2431 family=10 state=7 address=0000:0000:0000:0000:0000:0000:0000:0001 port=42097 reuse=0 reuseport=1 v6only=1 uid=65534 netns=4026532177 inode=99\n"
            + "tcp-established bucket=- family=2 state=6 address=127.0.0.1 port=5 reuse=0 reuseport=0 v6only=0 uid=0 netns=1 inode=0\n");

        sockets.Should().HaveCount(2);
        sockets[0].Should().Be(new KernelSocket(KernelTable.Udp, 2431, AddressFamily.InterNetworkV6, 7, IPAddress.IPv6Loopback, 42097, 0, 1, true, 65534, 4026532177, 99));
        sockets[0].Describe().Should().Be("udp_table | 2431 | [::1]:42097 | IPv6 | CLOSE | reuse=0 reuseport=1 v6only=1 | uid 65534 | netns 4026532177");
        sockets[1].StateName.Should().Be("TIME_WAIT");
        KernelTableLines.Parse("").Should().BeEmpty();
    }

    [Theory]
    [InlineData("tcp-bound bucket=- family=2 state=7 address=127.0.0.1 port=1 reuse=0 reuseport=0 v6only=0 uid=0 netns=1 inode=7", "unknown table")]
    [InlineData("udp bucket=- family=2 state=7 address=127.0.0.1 port=1 reuse=0 reuseport=0 v6only=0 uid=0 netns=1 inode=7", "needs its bucket")]
    [InlineData("tcp-listening bucket=3 family=2 state=10 address=127.0.0.1 port=1 reuse=0 reuseport=0 v6only=0 uid=0 netns=1 inode=7", "gives no bucket")]
    [InlineData("udp bucket=1 family=1 state=7 address=127.0.0.1 port=1 reuse=0 reuseport=0 v6only=0 uid=0 netns=1 inode=7", "family 1")]
    [InlineData("udp bucket=1 family=10 state=7 address=127.0.0.1 port=1 reuse=0 reuseport=0 v6only=0 uid=0 netns=1 inode=7", "is not an InterNetworkV6 address")]
    [InlineData("udp bucket=1 family=2 state=7 address=127.0.0.1 port=70000 reuse=0 reuseport=0 v6only=0 uid=0 netns=1 inode=7", "out of range")]
    [InlineData("udp bucket=1 family=2 state=7 address=127.0.0.1 port=1 reuse=x reuseport=0 v6only=0 uid=0 netns=1 inode=7", "reuse=\"x\"")]
    [InlineData("udp bucket=1 family=2 state=7 port=1 address=127.0.0.1 reuse=0 reuseport=0 v6only=0 uid=0 netns=1 inode=7", "where address=")]
    [InlineData("udp bucket=1 family=2 state=7", "4 fields")]
    [InlineData("udp bucket=1 family=2 state=7 address=127.0.0.1 port=1 reuse=0 reuseport=0 v6only=0 uid=0 netns=1 inode=-1", "inode=\"-1\"")]
    public void A_line_not_in_the_program_s_form_is_refused_with_what_is_wrong(string line, string why)
    {
        var parse = () => KernelTableLines.ParseLine(line);

        parse.Should().Throw<FormatException>().Which.Message.Should().Contain(why).And.Contain(line);
    }

    [Fact]
    public void Each_missing_piece_gives_its_own_reason()
    {
        string? Reason(string? otherOs = null, string status = Root, bool btf = true, string? clang = "/usr/bin/clang", string? bpftool = "/usr/sbin/bpftool", bool libbpf = true) =>
            KernelTableReader.Precondition(otherOs, status, btf, clang, bpftool, libbpf);

        Reason().Should().BeNull();
        Reason(otherOs: "Microsoft Windows 10.0.26100").Should().StartWith("another OS:").And.Contain("Windows");
        Reason(status: "Uid:\t65534\t65534\t65534\t65534\nCapEff:\t0000000000000000\n").Should().StartWith("not root:").And.Contain("uid 65534").And.Contain("CAP_BPF");
        Reason(status: "Uid:\t0\t0\t0\t0\n").Should().Contain("no CapEff");
        Reason(btf: false).Should().StartWith("no BTF:").And.Contain("/sys/kernel/btf/vmlinux");
        Reason(clang: null).Should().StartWith("no clang").And.Contain("apt-get install clang libbpf-dev bpftool");
        Reason(bpftool: null).Should().StartWith("no bpftool");
        Reason(libbpf: false).Should().StartWith("no libbpf headers");
    }

    [Fact]
    public void CAP_BPF_with_CAP_PERFMON_is_enough_without_CAP_SYS_ADMIN()
    {
        const ulong bpfAndPerfmon = (1UL << 39) | (1UL << 38);
        LinuxCapabilities.Missing($"Uid:\t1000\t1000\t1000\t1000\nCapEff:\t{bpfAndPerfmon:x16}\n").Should().BeNull();
        LinuxCapabilities.Missing($"Uid:\t1000\t1000\t1000\t1000\nCapEff:\t{1UL << 39:x16}\n").Should().Contain("uid 1000");
    }

    [SkippableFact]
    public void A_read_lists_a_socket_bound_here_and_leaves_nothing_pinned()
    {
        var unavailable = KernelTableReader.WhyUnavailable;
        Skip.If(unavailable is not null, unavailable);
        using var udp = NativeSocket.Open(Transport.Udp, IPAddress.Loopback);
        udp.Bind(IPAddress.Loopback, 0).OrThrow("The bind");
        IReadOnlyList<string> pins;
        using (var session = KernelTableReader.Open())
        {
            pins = session.Pins;
            pins.Should().HaveCount(2).And.OnlyContain(pin => File.Exists(pin), "the session pins both iterators");
            var read = session.Read();
            var mine = read.On(udp.LocalPort, NetworkNamespaceThread.CurrentInode()).Where(s => s.Table == KernelTable.Udp).ToList();

            mine.Should().ContainSingle().Which.Should().Match<KernelSocket>(s => s.Address.Equals(IPAddress.Loopback) && s.Reuse == 0 && s.Uid == Libc.GetEuid());

            // The figures the README quotes: compile once per process, pin per session, read per walk.
            output.WriteLine($"compile {KernelTableReader.CompileTime?.TotalMilliseconds:0} ms, pin {session.PinTime.TotalMilliseconds:0} ms, "
                + $"read {read.Elapsed.TotalMilliseconds:0.0} ms, {read.Sockets.Count} entries ({read.Sockets.Count(s => s.Protocol == "tcp")} tcp, {read.Sockets.Count(s => s.Protocol == "udp")} udp)");
        }

        pins.Should().OnlyContain(pin => !File.Exists(pin), "disposing the session unpins both iterators");
    }
}
