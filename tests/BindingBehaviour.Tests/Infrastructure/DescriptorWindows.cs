using System.Collections.Concurrent;
using System.Reflection;
using Xunit.Sdk;

[assembly: BindingBehaviour.Tests.Infrastructure.DescriptorWindow]

namespace BindingBehaviour.Tests.Infrastructure;

/// <summary>Lists the process's descriptors right before and right after every test method (see <see cref="DescriptorWindows"/>).</summary>
[AttributeUsage(AttributeTargets.Assembly)]
public sealed class DescriptorWindowAttribute : BeforeAfterTestAttribute
{
    public override void Before(MethodInfo methodUnderTest) => DescriptorWindows.Open(methodUnderTest);

    public override void After(MethodInfo methodUnderTest) => DescriptorWindows.Close(methodUnderTest);
}

/// <summary>
/// Names the test a leaked descriptor came from. Tests run side by side, so the end of the run alone cannot say who
/// opened what; around each test method (after its class is constructed, before it is disposed) the descriptors are
/// listed, number and target only, and those that appeared between the two lists are kept with the test's name. A
/// descriptor still open at the end of the run then names the tests in whose window it appeared: the one that opened
/// it, and any that ran beside it at that moment.
/// <para>
/// With <see cref="CollectVariable"/>=1 each window also ends with a full garbage collection and its finalizers: a
/// descriptor the test left to a finalizer closes right there and is reported with the test's name, whatever the
/// collector would have done later. Only a serial run can tell a finalizer's close from a neighbour's Dispose, so the
/// ledger reports an error when windows overlapped in this mode (.ci/run uses it with ParallelizeTestCollections=false).
/// </para>
/// </summary>
public static class DescriptorWindows
{
    public const string CollectVariable = "BINDINGBEHAVIOUR_LEDGER_COLLECT";

    private static readonly ConcurrentDictionary<MethodInfo, HashSet<(int Fd, string Target)>> Running = new();
    private static readonly ConcurrentQueue<(string Test, int Fd, string Target)> Appeared = new();
    private static readonly ConcurrentQueue<(string Test, int Fd, string Target)> Finalized = new();
    private static volatile bool _recording;
    private static int _mostAtOnce;

    /// <summary>Whether windows are taken: between the ledger's Begin and End, where it can list descriptors.</summary>
    public static bool Recording
    {
        get => _recording;
        set => _recording = value;
    }

    /// <summary>Whether each window ends with a full collection (<see cref="CollectVariable"/>=1).</summary>
    public static bool CollectAfterEachTest { get; } = Environment.GetEnvironmentVariable(CollectVariable) == "1";

    /// <summary>The most test methods that were inside their windows at one time.</summary>
    public static int MostAtOnce => Volatile.Read(ref _mostAtOnce);

    public static void Open(MethodInfo test)
    {
        if (!Recording)
        {
            return;
        }

        Running[test] = [.. DescriptorLedger.List()];
        var now = Running.Count;
        for (var most = MostAtOnce; now > most; most = MostAtOnce)
        {
            Interlocked.CompareExchange(ref _mostAtOnce, now, most);
        }
    }

    public static void Close(MethodInfo test)
    {
        if (!Running.TryRemove(test, out var before))
        {
            return;
        }

        var after = DescriptorLedger.List();
        foreach (var (fd, target) in after.Where(d => !before.Contains(d)))
        {
            Appeared.Enqueue((Name(test), fd, target));
        }

        if (CollectAfterEachTest)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            var collected = DescriptorLedger.List().ToHashSet();
            foreach (var (fd, target) in after.Where(d => !collected.Contains(d)))
            {
                Finalized.Enqueue((Name(test), fd, target));
            }
        }
    }

    /// <summary>The tests during which this descriptor (same number, same target) appeared, in the order they ended.</summary>
    public static IReadOnlyList<string> AppearedDuring(int fd, string target) =>
        Appeared.Where(a => a.Fd == fd && a.Target == target).Select(a => a.Test).Distinct().ToList();

    /// <summary>Descriptors that only a finalizer closed, each with the test whose window's collection closed it.</summary>
    public static IReadOnlyList<(string Test, int Fd, string Target)> ClosedByFinalizers => [.. Finalized];

    private static string Name(MethodInfo test) => $"{test.ReflectedType?.Name ?? test.DeclaringType?.Name}.{test.Name}";
}
