using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text;
using BindingBehaviour.Matrix;
using BindingBehaviour.Results;

namespace BindingBehaviour.Probe.Doctor;

/// <summary>
/// <c>probe doctor SOCKET</c>: lists every socket on the port (both protocols, both families, with its process where the
/// OS lets us see it), tries the bind as given and closes it at once, asks this OS's bind model which holder conflicts and
/// why, and tries changes against every OS's model. Holders' options are unknown unless an
/// <see cref="IHolderOptionsReader"/> reads them: the answer is then given for the model's default (no options; V6ONLY as
/// the OS default) and, where it would differ, for the options that would change it.
/// </summary>
public static class ProbeDoctor
{
    public static int Run(ProbeDoctorCommand command, TextWriter stdout, TextWriter stderr, ISocketTable? table = null, IHolderOptionsReader? options = null)
    {
        var os = HostOs.Require();
        var address = command.Socket.Address;
        if (!IsThisMachines(os, address))
        {
            stderr.WriteLine($"probe: doctor: {address} is not an address of this machine (not a wildcard, not on any interface); the doctor looks at binds this machine can make");
            return ProbeCli.UsageError;
        }

        table ??= SocketTables.ForThisMachine();
        options ??= HolderOptions.ForThisMachine();
        IReadOnlyList<HeldSocket> held;
        try
        {
            held = table.OnPort(command.Port);
        }
        catch (SocketTableException e)
        {
            stderr.WriteLine($"probe: doctor: {e.Message}");
            return ProbeCli.CannotRun;
        }

        // The holders are listed first, so the attempt (closed at once) is never among them.
        var (observed, _) = ProbeRunner.Attempt(command.Layer, command.Socket, command.Port);
        var report = Diagnose(command, os, held, observed, table, options);
        stdout.Write(command.Json ? report.ToJson() : Text(report));
        return 0;
    }

    /// <summary>The diagnosis of an attempt beside the listed holders: the report, without printing it.</summary>
    public static DoctorReport Diagnose(ProbeDoctorCommand command, Os os, IReadOnlyList<HeldSocket> held, Outcome observed, ISocketTable table, IHolderOptionsReader? options)
    {
        var model = BindModel.For(os);
        var socket = ProbeRunner.Spec(os, command.Layer, command.Socket);
        var known = held.Select(h => options?.Read(h)).ToList();
        var specs = held.Select((h, i) => HolderSpec(os, h, known[i])).ToList();
        var holders = held.Select((h, i) => Holder(model, os, socket, h, known[i], specs[i], options)).ToList();

        var predicted = model.ExplainSocket(socket, specs);
        var reason = predicted.ConflictsWith is { } k ? $"holder {k + 1}: {predicted.Rule}" : predicted.Rule;
        if (held.Count > 0 && known.Any(o => o is null))
        {
            reason += "; holders' options unknown, assumed none (V6ONLY as this OS's default)";
        }

        var observedCode = CellOutcome.From(observed).Code;
        var attempt = new DoctorAttempt(command.Socket.Describe(command.Layer), observedCode, observed.NativeCode, observed.Message ?? "", predicted.Outcome.Code, reason);
        var conflicting = held.Where((_, i) => holders[i].Conflicts).ToList();
        var remedies = observed.Succeeded && conflicting.Count == 0 ? [] : Remedies(command, os, held, holders, known);
        var limits = new List<string>(table.Limits);
        if (options is null)
        {
            limits.Add("the holders' options (SO_REUSEADDR, SO_REUSEPORT, IPV6_V6ONLY) are not reported by the OS's socket lists: unknown, so each conflict is given for no options and for the options that would change it");
        }

        var machine = RunEnvironment.Capture(DateTime.UnixEpoch);
        return new DoctorReport(ProbePredict.OsWord(os), $"{machine.Os} {machine.Kernel}, {machine.Runtime}", MatrixWords.Layer(command.Layer),
            model.Title, options is null ? table.Source : $"{table.Source}; options: {options.Source}", attempt, holders, remedies, limits,
            Verdict(command, observed, held, holders));
    }

    /// <summary>
    /// A holder as the model sees it: its protocol and address, listening or not, and its options: those read, else none
    /// with V6ONLY as the OS default for an IPv6 socket (Linux: net.ipv6.bindv6only here; Windows 1; macOS 0).
    /// </summary>
    private static SocketSpec HolderSpec(Os os, HeldSocket holder, NativeOptions? known)
    {
        var ipv6 = holder.Local.AddressFamily == AddressFamily.InterNetworkV6;
        var defaults = ipv6 && DefaultIsV6Only(os) ? NativeOptions.V6Only : NativeOptions.None;
        return new SocketSpec(holder.Transport, holder.Local.Address, known ?? defaults, holder.Listening);
    }

    private static bool DefaultIsV6Only(Os os) => os switch
    {
        Os.Linux => OperatingSystem.IsLinux() && RunEnvironment.ReadSysctl("net.ipv6.bindv6only") == "1",
        Os.Windows => true,
        _ => false,
    };

    private static DoctorHolder Holder(BindModel model, Os os, SocketSpec socket, HeldSocket held, NativeOptions? known, SocketSpec spec, IHolderOptionsReader? reader)
    {
        bool conflicts;
        string reason;
        if (held.Transport != socket.Transport)
        {
            conflicts = false;
            reason = $"no conflict: {MatrixWords.Proto(held.Transport)}, and this bind is {MatrixWords.Proto(socket.Transport)}; each protocol keeps its own bind table ({DoctorDocs.OtherProtocol})";
        }
        else
        {
            var why = model.ExplainSocket(socket, [spec]);
            conflicts = why.ConflictsWith == 0;
            reason = (conflicts ? "" : "no conflict: ") + why.Rule;
            if (held.State == "TIME-WAIT")
            {
                reason += "; a TIME-WAIT socket keeps the options of the socket that closed and does not listen";
            }

            reason += known is null ? Assumptions(model, socket, spec, conflicts, held) : $"; its options as read by {reader!.Source}";
        }

        var options = known is { } read ? (IReadOnlyList<string>)[.. MatrixWords.Options(Layer.Native, (int)read).Split('+').Where(w => w != "-")] : null;
        return new DoctorHolder(MatrixWords.Proto(held.Transport), held.Local.Address.ToString(), held.Local.Port, held.State,
            held.Remote?.ToString(), held.Pid, held.Process, held.User, held.Uid, held.OwnerNote, options, known is null ? null : reader!.Source,
            conflicts, reason);
    }

    /// <summary>
    /// The holder's options are unknown: the answer above assumed none (V6ONLY as the OS default). Which option sets on
    /// the holder would change it, smallest first, according to the model.
    /// </summary>
    private static string Assumptions(BindModel model, SocketSpec socket, SocketSpec spec, bool conflicts, HeldSocket held)
    {
        var toggles = new[] { NativeOptions.ReuseAddress, NativeOptions.ReusePort, NativeOptions.ExclusiveAddressUse, NativeOptions.V6Only }
            .Where(o => (model.Supported & o) != 0 && (o != NativeOptions.V6Only || spec.IsIPv6)).ToArray();
        var flips = new List<NativeOptions>();
        for (var subset = 1; subset < 1 << toggles.Length; subset++)
        {
            var change = toggles.Where((_, i) => (subset & (1 << i)) != 0).Aggregate(NativeOptions.None, (a, o) => a | o);
            var flipped = model.ExplainSocket(socket, [spec with { Options = spec.Options ^ change }]).ConflictsWith == 0;
            if (flipped != conflicts && !flips.Any(f => (f & change) == f))
            {
                flips.Add(change);
            }
        }

        var text = "; options unknown (the OS does not report them), assumed " + (spec.Options == NativeOptions.None ? "none" : MatrixWords.Options(Layer.Native, (int)spec.Options) + " (the OS default)");
        if (flips.Count == 0)
        {
            return text + $"; the model answers the same whatever options it set";
        }

        var sets = flips.Select(f => MatrixWords.Options(Layer.Native, (int)(spec.Options ^ f)) is var words && words == "-" ? "no options" : words);
        var note = socket.ReusePort && OperatingSystem.IsLinux() && held.Uid is { } uid && uid != CurrentUid()
            ? $" (but SO_REUSEPORT shares only between sockets of one user, socket(7), and this one is uid {uid})"
            : "";
        return text + $"; it would {(conflicts ? "not conflict" : "conflict")} if the holder had set {string.Join(" or ", sets)}{note}";
    }

    private static int? CurrentUid() => OperatingSystem.IsLinux() && File.Exists("/proc/self/status")
        ? File.ReadLines("/proc/self/status").Where(l => l.StartsWith("Uid:", StringComparison.Ordinal))
            .Select(l => int.Parse(l.Split('\t', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture)).FirstOrDefault()
        : null;

    /// <summary>Changes that may let the bind succeed, each tried against this OS's model and the others'.</summary>
    private static List<DoctorRemedy> Remedies(ProbeDoctorCommand command, Os os, IReadOnlyList<HeldSocket> held, List<DoctorHolder> holders, List<NativeOptions?> known)
    {
        var layer = command.Layer;
        var socket = command.Socket;
        var conflicting = Enumerable.Range(0, held.Count).Where(i => holders[i].Conflicts).ToHashSet();
        var tried = new List<(string Change, ProbeSocket Socket, Func<Os, int, SocketSpec, SocketSpec?> Holders, IReadOnlyList<string> Docs)>();
        SocketSpec? Same(Os target, int i, SocketSpec spec) => spec;

        void Option(int option, NativeOptions holderOption, string word, IReadOnlyList<string> docs)
        {
            if ((socket.Options & option) != 0)
            {
                return;
            }

            var token = ProbeArguments.OptionTokens(layer, option);
            var withOption = socket with { Options = socket.Options | option };
            tried.Add(($"{token} on this socket only", withOption, Same, docs));
            tried.Add(($"{token} on this socket and {word} on the conflicting holders", withOption,
                (target, i, spec) => conflicting.Contains(i) && known[i] is null ? spec with { Options = spec.Options | HolderOption(target, layer, holderOption, spec) } : spec,
                docs));
        }

        if (layer == Layer.Native)
        {
            Option((int)NativeOptions.ReuseAddress, NativeOptions.ReuseAddress, "SO_REUSEADDR", DoctorDocs.ReuseAddress);
            Option((int)NativeOptions.ReusePort, NativeOptions.ReusePort, "SO_REUSEPORT", DoctorDocs.ReusePort);
            if (socket.Family == AddressFamily.InterNetworkV6 && (socket.Options & (int)NativeOptions.V6Only) == 0)
            {
                var v6Only = (int)NativeOptions.V6Only;
                tried.Add(($"{ProbeArguments.OptionTokens(layer, v6Only)} on this socket", socket with { Options = socket.Options | v6Only }, Same, DoctorDocs.V6Only));
            }
        }
        else
        {
            Option((int)ManagedOptions.ReuseAddress, NativeOptions.ReuseAddress, "ReuseAddress (as .NET sets it)", DoctorDocs.ReuseAddress);
            if ((socket.Options & (int)ManagedOptions.DualMode) != 0)
            {
                var dualMode = (int)ManagedOptions.DualMode;
                tried.Add(($"without {ProbeArguments.OptionTokens(layer, dualMode)} (IPv6 only)", socket with { Options = socket.Options & ~dualMode }, Same, DoctorDocs.V6Only));
            }
        }

        foreach (var other in MatrixAddress.All.Where(a => !a.Address.Equals(socket.Address) && IsThisMachines(os, a.Address)))
        {
            var moved = socket with { Address = other.Address, Options = other.IsIPv6 ? socket.Options : socket.Options & ~MatrixLayout.IPv6Variant(layer) };
            tried.Add(($"bind {other.Text} instead", moved, Same, DoctorDocs.AnotherAddress));
        }

        if (conflicting.Any(i => held[i].State == "TIME-WAIT"))
        {
            tried.Add(("wait for TIME-WAIT to end (60 s on Linux, TCP_TIMEWAIT_LEN; up to 240 s on Windows)", socket,
                (_, i, spec) => held[i].State == "TIME-WAIT" ? null : spec, DoctorDocs.TimeWait));
        }

        if (conflicting.Count > 0)
        {
            var who = string.Join(", ", conflicting.Select(i => held[i].Pid is { } pid ? $"pid {pid}{(held[i].Process is { } p ? " " + p : "")}" : "an owner not visible here").Distinct());
            tried.Add(($"the conflicting holders close their sockets ({who})", socket, (_, i, spec) => conflicting.Contains(i) ? null : spec, DoctorDocs.Close));
        }

        var remedies = new List<DoctorRemedy>();
        foreach (var (change, changed, transform, docs) in tried)
        {
            string Answer(Os target)
            {
                var model = BindModel.For(target);
                var specs = held.Select((h, i) => transform(target, i, HolderSpec(target, h, known[i]))).OfType<SocketSpec>().ToList();
                return model.PredictSocket(ProbeRunner.Spec(target, layer, changed), specs).Code;
            }

            var here = Answer(os);
            var elsewhere = new[] { Os.Linux, Os.Windows, Os.MacOS }.Where(o => o != os).Select(o => new DoctorElsewhere(ProbePredict.OsWord(o), Answer(o))).ToList();

            // Another address is worth naming only where it works here, and two of them are enough.
            var address = docs == DoctorDocs.AnotherAddress;
            if (address ? here == "ok" && remedies.Count(r => r.Docs == DoctorDocs.AnotherAddress) < 2 : here == "ok" || elsewhere.Any(e => e.Answer == "ok"))
            {
                remedies.Add(new DoctorRemedy(change, here, elsewhere, docs));
            }
        }

        // What works here first; the rest is what other OSes would accept.
        return [.. remedies.OrderBy(r => r.Here == "ok" ? 0 : 1)];
    }

    /// <summary>The native option a holder carries for a change: natively the option itself; for .NET's ReuseAddress, what .NET sets on that OS.</summary>
    private static NativeOptions HolderOption(Os os, Layer layer, NativeOptions option, SocketSpec holder) =>
        layer == Layer.Native ? option : DotNetOptionMapping.ToNative(os, holder.Transport, false, ManagedOptions.ReuseAddress) & ~NativeOptions.V6Only;

    private static string Verdict(ProbeDoctorCommand command, Outcome observed, IReadOnlyList<HeldSocket> held, List<DoctorHolder> holders)
    {
        var port = command.Port.ToString(CultureInfo.InvariantCulture);
        var conflicting = holders.Count(h => h.Conflicts);
        var code = CellOutcome.From(observed).Code;
        if (observed.Succeeded)
        {
            return conflicting == 0
                ? $"the bind succeeds here: {(held.Count == 0 ? "nothing holds port " + port : "no socket on port " + port + " conflicts with it")}"
                : $"the bind succeeds here, although the model predicts a conflict with {conflicting} holder(s) assuming they set no options: they must have set options that let them share (see each holder's reason)";
        }

        if (observed.Error is not (SocketError.AddressAlreadyInUse or SocketError.AccessDenied))
        {
            return $"refused with {code}, which is not a port conflict: {observed.Message}";
        }

        if (conflicting > 0)
        {
            var first = holders.First(h => h.Conflicts);
            var owner = first.Pid is { } pid ? $"pid {pid}{(first.Process is { } p ? " (" + p + ")" : "")}" : "an owner this user cannot see";
            return $"refused with {code}: {conflicting} socket(s) on port {port} conflict with it, first {first.Protocol} {Show(first.Address)}:{port} {first.State} held by {owner}";
        }

        if (observed.Error == SocketError.AccessDenied && command.Port < 1024)
        {
            return $"refused with {code}: port {port} is below 1024 and this user may not bind it (docs/topics/11-privileged-ports.md)";
        }

        return $"refused with {code}, but no listed socket conflicts under the model: the holder may be one this machine's socket list does not show (see limits), or have set options that the model reads differently";
    }

    /// <summary>An address with brackets when it is IPv6.</summary>
    private static string Show(string address) => address.Contains(':', StringComparison.Ordinal) ? $"[{address}]" : address;

    /// <summary>A wildcard, an address of one of this machine's interfaces, or (Linux) any 127/8 address, which lo answers.</summary>
    public static bool IsThisMachines(Os os, IPAddress address)
    {
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        if (plain.Equals(IPAddress.Any) || plain.Equals(IPAddress.IPv6Any))
        {
            return true;
        }

        if (os == Os.Linux && plain.AddressFamily == AddressFamily.InterNetwork && plain.GetAddressBytes()[0] == 127)
        {
            return true;
        }

        try
        {
            var bytes = plain.GetAddressBytes();
            return NetworkInterface.GetAllNetworkInterfaces().SelectMany(i => i.GetIPProperties().UnicastAddresses)
                .Any(u => u.Address.AddressFamily == plain.AddressFamily && u.Address.GetAddressBytes().AsSpan().SequenceEqual(bytes));
        }
        catch (NetworkInformationException)
        {
            // Without a list of interfaces the bind itself decides.
            return true;
        }
    }

    private static string Owner(DoctorHolder holder)
    {
        var user = holder.User ?? holder.Uid?.ToString(CultureInfo.InvariantCulture);
        return holder.Pid is { } pid
            ? $"pid {pid} {holder.Process ?? "?"}, user {user ?? "not shown"}"
            : "owner not shown" + (user is null ? "" : ", user " + user);
    }

    /// <summary>The report for a person.</summary>
    /// <summary>"SO_REUSEADDR off, SO_REUSEPORT on" (and IPV6_V6ONLY for an IPv6 holder), from a holder's option words.</summary>
    public static string OptionsText(IReadOnlyList<string> options, bool ipv6)
    {
        string State(string word) => options.Contains(word) ? "on" : "off";
        return $"SO_REUSEADDR {State("REUSEADDR")}, SO_REUSEPORT {State("REUSEPORT")}" + (ipv6 ? $", IPV6_V6ONLY {State("V6ONLY")}" : "");
    }

    public static string Text(DoctorReport report)
    {
        var text = new StringBuilder();
        var a = report.Attempt;
        text.Append(CultureInfo.InvariantCulture, $"doctor: {a.Socket}, {report.Layer} layer on {report.Machine}\n");
        text.Append(CultureInfo.InvariantCulture, $"model: {report.Model}; sockets from {report.Source}\n\n");
        text.Append(CultureInfo.InvariantCulture, $"attempt: {(a.Observed == "ok" ? "ok (bound, and closed again)" : $"{a.Observed} ({a.NativeCode}: {a.Message})")}\n");
        text.Append(CultureInfo.InvariantCulture, $"model:   {a.Predicted}: {a.Reason}\n\n");
        if (report.Holders.Count == 0)
        {
            text.Append("no socket on this machine is bound to that port (tcp or udp, IPv4 or IPv6)\n");
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $"{report.Holders.Count} socket(s) bound to port {report.Holders[0].Port}:\n");
            var rows = report.Holders.Select(h => (
                What: $"{h.Protocol} {Show(h.Address)}:{h.Port}",
                State: h.State + (h.Remote is { } r ? " to " + r : ""),
                Owner: Owner(h),
                h)).ToList();
            var whatWidth = rows.Max(r => r.What.Length);
            var stateWidth = rows.Max(r => r.State.Length);
            var ownerWidth = rows.Max(r => r.Owner.Length);
            var number = 0;
            foreach (var row in rows)
            {
                number++;
                text.Append(CultureInfo.InvariantCulture, $"  {number,-2} {row.What.PadRight(whatWidth)}  {row.State.PadRight(stateWidth)}  {row.Owner.PadRight(ownerWidth)}  {(row.h.Conflicts ? "CONFLICTS" : "no conflict")}\n");
                text.Append(CultureInfo.InvariantCulture, $"     why: {row.h.Reason}\n");
                if (row.h.Options is { } options)
                {
                    text.Append(CultureInfo.InvariantCulture, $"     options: {OptionsText(options, row.h.Address.Contains(':', StringComparison.Ordinal))} (read from {row.h.OptionsSource})\n");
                }
                if (row.h.OwnerNote is { } note)
                {
                    text.Append(CultureInfo.InvariantCulture, $"     owner: {note}\n");
                }
            }
        }

        if (report.Remedies.Count > 0)
        {
            text.Append("\nwhat would let it bind, by the models (here, then the other OSes):\n");
            foreach (var remedy in report.Remedies)
            {
                var elsewhere = string.Join(", ", remedy.Elsewhere.Select(e => $"{e.Os} {e.Answer}"));
                text.Append(CultureInfo.InvariantCulture, $"  {remedy.Change}: here {remedy.Here}; {elsewhere}\n");
                text.Append(CultureInfo.InvariantCulture, $"     see {string.Join(", ", remedy.Docs)}\n");
            }
        }

        text.Append("\ncannot show:\n");
        foreach (var limit in report.Limits)
        {
            text.Append(CultureInfo.InvariantCulture, $"  - {limit}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"\n{report.Verdict}\n");
        return text.ToString();
    }
}
