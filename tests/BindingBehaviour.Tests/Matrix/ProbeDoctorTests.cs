using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BindingBehaviour.KernelTables;
using BindingBehaviour.Native;
using BindingBehaviour.Probe;
using BindingBehaviour.Probe.Doctor;
using BindingBehaviour.Tests.Infrastructure;
using Xunit.Abstractions;

namespace BindingBehaviour.Tests.Matrix;

/// <summary>
/// <c>probe doctor</c> on Linux: a foreign process (a child probe) holds a port in TCP and UDP; the doctor must name it as
/// the conflicting holder, call the other protocol no conflict, agree with ss(8) about who holds the port, see a free port
/// as free, and refuse bad input in one line. Every child is stopped (a datagram ends its receive) or killed.
/// </summary>
public sealed class ProbeDoctorTests(ITestOutputHelper output)
{
    private const string Ss = "/usr/bin/ss";

    [SkippableFact]
    public void A_foreign_process_holding_the_port_is_named_as_the_conflicting_holder_and_ss_agrees()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "The doctor's socket list with owners is read from /proc on Linux; the Windows and macOS readers are not run here.");
        var sandbox = LinuxSandbox.ThisNetworkNamespace();
        var missing = sandbox.MissingCapability;
        Skip.If(missing is not null, missing);

        DoctorReport? report = null;
        string? ss = null;
        int holderPid = 0, port = 0;

        // The holder: a UDP socket and a TCP listener on one port, until a datagram arrives (or 30 s pass).
        sandbox.Probe("udp 127.0.0.1:0, tcp 127.0.0.1:same listen, receive 1 1 30s", (pid, ready) =>
        {
            holderPid = pid;
            port = int.Parse(ready.Split("receives on 127.0.0.1:")[1].Split(' ')[0], CultureInfo.InvariantCulture);
            try
            {
                report = Doctor($"doctor tcp 127.0.0.1:{port} listen --json");
                ss = File.Exists(Ss) ? LinuxSandbox.Run([Ss, "-Hanp", "-t", "-u", "sport", "=", $":{port}"], null).Stdout : null;
            }
            finally
            {
                using var stop = new UdpClient(AddressFamily.InterNetwork);
                stop.Send([1], new IPEndPoint(IPAddress.Loopback, port));
            }
        });

        output.WriteLine(report!.ToJson());
        report.Attempt.Observed.Should().Be("bind:AddressAlreadyInUse", "a second TCP socket on the address of a listener is refused at bind on Linux");
        report.Attempt.Predicted.Should().Be("bind:AddressAlreadyInUse");
        var tcp = report.Holders.Should().ContainSingle(h => h.Protocol == "tcp").Which;
        tcp.Should().Match<DoctorHolder>(h => h.Address == "127.0.0.1" && h.Port == port && h.State == "LISTEN" && h.Conflicts);
        tcp.Pid.Should().Be(holderPid, "the doctor names the process that holds the listener");
        tcp.Process.Should().Be("dotnet", "the holder is `dotnet probe.dll`, and /proc/PID/comm names the executable");
        tcp.User.Should().NotBeNull();
        var optionsKnown = KernelTableReader.WhyUnavailable is null;
        if (optionsKnown)
        {
            // Root with BPF: the holder's options come from the kernel's own tables (the probe's native listener sets none).
            tcp.Options.Should().BeEmpty("the holder's native listener set no option, and the kernel's entry says so");
            tcp.OptionsSource.Should().Contain("kernel's socket tables");
            tcp.Reason.Should().Contain("conflicts with tcp 127.0.0.1 (no options, listening)");
        }
        else
        {
            tcp.Options.Should().BeNull("the OS does not report a holder's options through /proc");
            tcp.OptionsSource.Should().BeNull();
            tcp.Reason.Should().Contain("conflicts with tcp 127.0.0.1 (no options, listening)").And.Contain("options unknown");
        }

        var udp = report.Holders.Should().ContainSingle(h => h.Protocol == "udp").Which;
        udp.Conflicts.Should().BeFalse();
        udp.Pid.Should().Be(holderPid);
        udp.Reason.Should().Contain("each protocol keeps its own bind table");
        report.Verdict.Should().Contain($"pid {holderPid}");
        if (optionsKnown)
        {
            report.Remedies.Should().NotContain(r => r.Change.StartsWith("+reuseport", StringComparison.Ordinal) && r.Here == "ok",
                "the kernel says the holder has SO_REUSEPORT off, so this socket's SO_REUSEPORT alone cannot share the port");
        }
        else
        {
            report.Remedies.Should().Contain(r => r.Change.StartsWith("+reuseport on this socket and SO_REUSEPORT", StringComparison.Ordinal) && r.Here == "ok");
        }

        report.Remedies.Should().Contain(r => r.Change.StartsWith("the conflicting holders close", StringComparison.Ordinal) && r.Here == "ok");

        Skip.If(ss is null, $"{Ss} (iproute2) is not installed, so the holder list is not compared with it");
        Holders(report).Should().BeEquivalentTo(SsHolders(ss!), "the doctor and ss -Hanp list the same sockets and owners on the port");
    }

    [SkippableFact]
    public void Sockets_of_another_user_are_listed_without_an_owner_and_the_report_says_why()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "Owners are read from /proc/PID/fd on Linux.");
        Skip.IfNot(Environment.IsPrivilegedProcess, $"Only root can run the doctor as uid {LinuxSandbox.Nobody} beside a socket of another user (this process runs as that kind of user already).");
        var nobody = LinuxSandbox.ThisNetworkNamespace().AsUserNobody();
        var missing = nobody.MissingCapability;
        Skip.If(missing is not null, missing);

        // This process (root) holds the listener; the doctor runs as nobody, who may not read root's /proc/PID/fd.
        using var listener = NativeSocket.Open(Transport.Tcp, IPAddress.Loopback);
        listener.Bind(IPAddress.Loopback, 0).OrThrow("The listener's bind");
        listener.Listen().OrThrow("The listener's listen");
        var port = listener.LocalEndPoint!.Port;

        var (code, stdout, stderr) = nobody.RunProbe(["doctor", "tcp", $"127.0.0.1:{port}", "--json"]);

        code.Should().Be(0, stderr);
        var report = DoctorReport.FromJson(stdout);
        var holder = report.Holders.Should().ContainSingle(h => h.Protocol == "tcp" && h.State == "LISTEN").Which;
        holder.Pid.Should().BeNull("uid 65534 may not read root's descriptors");
        holder.Uid.Should().Be(0);
        holder.OwnerNote.Should().Contain("may not be read by this user").And.Contain("uid 0");
        holder.Conflicts.Should().BeTrue();
        report.Attempt.Observed.Should().Be("bind:AddressAlreadyInUse");
        report.Verdict.Should().Contain("an owner this user cannot see");
    }

    [SkippableFact]
    public void A_free_port_binds_and_has_no_holders()
    {
        Skip.IfNot(OperatingSystem.IsLinux(), "The doctor's socket list is read from /proc on Linux.");

        // A port the OS just gave out and took back; another process may take it meanwhile, so a few fresh ports.
        DoctorReport? report = null;
        for (var attempt = 0; attempt < Ports.Attempts && report is not { Holders.Count: 0 }; attempt++)
        {
            int port;
            using (var probe = NativeSocket.Open(Transport.Udp, IPAddress.Loopback))
            {
                probe.Bind(IPAddress.Loopback, 0).OrThrow("Finding a free port");
                port = probe.LocalEndPoint!.Port;
            }

            report = Doctor($"doctor udp 127.0.0.1:{port} --json");
        }

        report!.Holders.Should().BeEmpty();
        report.Attempt.Observed.Should().Be("ok");
        report.Attempt.Predicted.Should().Be("ok");
        report.Remedies.Should().BeEmpty();
        report.Verdict.Should().StartWith("the bind succeeds here: nothing holds port");
    }

    [Theory]
    [InlineData("doctor")]
    [InlineData("doctor tcp 127.0.0.1:0")]
    [InlineData("doctor tcp 127.0.0.1:70000")]
    [InlineData("doctor tcp 127.0.0.1:same")]
    [InlineData("doctor tcp 127.0.0.1:8080 +frobnicate")]
    [InlineData("doctor tcp 127.0.0.1:8080 +freebind")]
    [InlineData("doctor tcp 127.0.0.1:8080, udp 127.0.0.1:8080")]
    [InlineData("doctor udp 127.0.0.1:8080 listen")]
    [InlineData("doctor --layer managed tcp 127.0.0.1:8080 +reuseport")]
    [InlineData("doctor tcp 198.51.100.7:8080")]
    [InlineData("doctor --bench tcp 127.0.0.1:8080")]
    public void Bad_input_gets_one_line_and_a_non_zero_exit(string arguments)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = ProbeCli.Run(arguments.Split(' '), stdout, stderr);

        code.Should().Be(ProbeCli.UsageError);
        stdout.ToString().Should().BeEmpty();
        stderr.ToString().TrimEnd('\n').Should().StartWith("probe: ").And.NotContain("\n", "bad input is one line");
    }

    [Fact]
    public void A_socket_table_it_may_not_read_is_one_line_and_exit_code_1()
    {
        var command = (ProbeDoctorCommand)ProbeArguments.Parse(["doctor", "udp", "127.0.0.1:5000"]);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var code = ProbeDoctor.Run(command, stdout, stderr, new LinuxSocketTable(Path.Combine(Path.GetTempPath(), $"no-proc-{Guid.NewGuid():N}")));

        code.Should().Be(ProbeCli.CannotRun);
        stdout.ToString().Should().BeEmpty();
        stderr.ToString().TrimEnd('\n').Should().StartWith("probe: doctor: cannot read ").And.Contain("/net/tcp").And.NotContain("\n");
    }

    [Fact]
    public void The_json_is_a_contract_read_back_by_the_same_records()
    {
        var report = new DoctorReport("linux", "Linux 6.18, .NET 10", "native", "Linux: ...", "/proc",
            new DoctorAttempt("tcp 127.0.0.1:8080 listen", "bind:AddressAlreadyInUse", 98, "Address already in use", "bind:AddressAlreadyInUse", "holder 1: ..."),
            [new DoctorHolder("tcp", "127.0.0.1", 8080, "LISTEN", null, 42, "nginx", "www-data", 33, null, ["REUSEADDR"], "bpf", true, "conflicts ...")],
            [new DoctorRemedy("bind 127.0.0.2 instead", "ok", [new DoctorElsewhere("windows", "ok")], ["docs/topics/03-wildcard-vs-specific.md#two-loopback-addresses"])],
            ["only this network namespace"], "refused");

        var json = report.ToJson();
        DoctorReport.FromJson(json).ToJson().Should().Be(json);
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var holder = document.RootElement.GetProperty("holders")[0];
        foreach (var name in new[] { "protocol", "address", "port", "state", "pid", "process", "user", "conflicts", "reason", "options", "optionsSource" })
        {
            holder.TryGetProperty(name, out _).Should().BeTrue($"a holder has {name}");
        }

        document.RootElement.GetProperty("attempt").GetProperty("observed").GetString().Should().Be("bind:AddressAlreadyInUse");
    }

    [Fact]
    public void Every_docs_link_of_a_remedy_is_a_claim_and_an_anchor_of_its_page()
    {
        var claims = ClaimCatalog.All.Select(c => c.Id).ToHashSet();
        foreach (var link in DoctorDocs.All)
        {
            var (page, anchor) = (link.Split('#')[0], link.Split('#')[1]);
            claims.Should().Contain(anchor, $"{link} names a claim");
            File.ReadAllText(Path.Combine(Repository.Root, page)).Should().Contain($"<a id=\"{anchor}\"></a>", $"{page} has the claim's anchor");
        }
    }

    private static DoctorReport Doctor(string arguments)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = ProbeCli.Run(arguments.Split(' '), stdout, stderr);
        code.Should().Be(0, stderr.ToString());
        return DoctorReport.FromJson(stdout.ToString());
    }

    /// <summary>What identifies a holder in both lists: protocol, local end point, and the owner's pid where it is visible.</summary>
    private static IEnumerable<string> Holders(DoctorReport report) =>
        report.Holders.Select(h => $"{h.Protocol} {new IPEndPoint(IPAddress.Parse(h.Address), h.Port)} pid={h.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-"}");

    /// <summary>ss -Hanp lines: "tcp LISTEN 0 16 127.0.0.1:46114 0.0.0.0:* users:(("dotnet",pid=26002,fd=45))".</summary>
    private static IEnumerable<string> SsHolders(string ss) =>
        ss.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var local = fields[4].StartsWith('*') ? "[::]" + fields[4][1..] : fields[4];
            var pid = line.Contains("pid=", StringComparison.Ordinal) ? line.Split("pid=")[1].Split(',')[0] : "-";
            return $"{fields[0]} {IPEndPoint.Parse(local)} pid={pid}";
        });
}
