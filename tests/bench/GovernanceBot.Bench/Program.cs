using GovernanceBot.Bench;
using GovernanceBot.Bench.Inbound;

return args switch
{
    ["qa", ..] => QaBenchmark.Run(args[1..]),
    ["fanout", ..] => await FanOutBenchmark.RunAsync(args[1..]),
    ["inbound", ..] => await InboundBenchmark.RunAsync(args[1..]),
    ["dashboard", ..] => await DashboardBenchmark.RunAsync(args[1..]),
    [BareEndpoint.Command, ..] => await BareEndpoint.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: dotnet run --project tests/bench/GovernanceBot.Bench -c Release -- qa [--questions FILE] [--heldout FILE] [--knowledge DIR] [--out DIR] [--misses]");
    Console.Error.WriteLine("       dotnet run --project tests/bench/GovernanceBot.Bench -c Release -- fanout [--people 5000] [--rate 200] [--dispatcher-rate N]");
    Console.Error.WriteLine("       dotnet run --project tests/bench/GovernanceBot.Bench -c Release -- " + InboundOptions.Usage);
    Console.Error.WriteLine("       dotnet run --project tests/bench/GovernanceBot.Bench -c Release -- dashboard [--programs 50] [--kpis 10] [--values 500] [--requests 40]");
    return 2;
}
