using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace GovernanceBot.Store.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LifeCycleAndBenefitActuals : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "Phase",
                table: "Programs",
                type: "character varying(4000)",
                maxLength: 4000,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(40)",
                oldMaxLength: 40);

            migrationBuilder.AddColumn<List<string>>(
                name: "Phases",
                table: "Programs",
                type: "text[]",
                nullable: false,
                defaultValue: new List<string> { "definition", "delivery", "closure" });

            // Phases were an enumeration stored by name ("Delivery"); they are now the keys of the
            // program's life cycle ("delivery"), the default one for every existing program.
            migrationBuilder.Sql("UPDATE \"Programs\" SET \"Phase\" = lower(\"Phase\")");

            migrationBuilder.AddColumn<DateOnly>(
                name: "BaselineDate",
                table: "Benefits",
                type: "date",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "IsDisBenefit",
                table: "Benefits",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "EvidenceJson",
                table: "Approvals",
                type: "character varying(16000)",
                maxLength: 16000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "BenefitActuals",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    BenefitId = table.Column<Guid>(type: "uuid", nullable: false),
                    Date = table.Column<DateOnly>(type: "date", nullable: false),
                    Value = table.Column<double>(type: "double precision", nullable: false),
                    Note = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    RecordedBy = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    RecordedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_BenefitActuals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_BenefitActuals_Benefits_BenefitId",
                        column: x => x.BenefitId,
                        principalTable: "Benefits",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "StageGates",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ProgramId = table.Column<Guid>(type: "uuid", nullable: false),
                    Key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Name = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    AfterPhase = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Date = table.Column<DateOnly>(type: "date", nullable: true),
                    ApproverGroupKey = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    ApprovalRequestId = table.Column<Guid>(type: "uuid", nullable: true),
                    PassedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    PassedBy = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StageGates", x => x.Id);
                    table.ForeignKey(
                        name: "FK_StageGates_Approvals_ApprovalRequestId",
                        column: x => x.ApprovalRequestId,
                        principalTable: "Approvals",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_StageGates_Programs_ProgramId",
                        column: x => x.ProgramId,
                        principalTable: "Programs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "GateCriteria",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    GateId = table.Column<Guid>(type: "uuid", nullable: false),
                    Key = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Text = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    Order = table.Column<int>(type: "integer", nullable: false),
                    OwnerId = table.Column<Guid>(type: "uuid", nullable: true),
                    ConfirmedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ConfirmedById = table.Column<Guid>(type: "uuid", nullable: true),
                    Note = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_GateCriteria", x => x.Id);
                    table.ForeignKey(
                        name: "FK_GateCriteria_StageGates_GateId",
                        column: x => x.GateId,
                        principalTable: "StageGates",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_GateCriteria_Stakeholders_ConfirmedById",
                        column: x => x.ConfirmedById,
                        principalTable: "Stakeholders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_GateCriteria_Stakeholders_OwnerId",
                        column: x => x.OwnerId,
                        principalTable: "Stakeholders",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "IX_BenefitActuals_BenefitId_Date",
                table: "BenefitActuals",
                columns: new[] { "BenefitId", "Date" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_GateCriteria_ConfirmedById",
                table: "GateCriteria",
                column: "ConfirmedById");

            migrationBuilder.CreateIndex(
                name: "IX_GateCriteria_GateId_Key",
                table: "GateCriteria",
                columns: new[] { "GateId", "Key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_GateCriteria_OwnerId",
                table: "GateCriteria",
                column: "OwnerId");

            migrationBuilder.CreateIndex(
                name: "IX_StageGates_ApprovalRequestId",
                table: "StageGates",
                column: "ApprovalRequestId");

            migrationBuilder.CreateIndex(
                name: "IX_StageGates_ProgramId_Key",
                table: "StageGates",
                columns: new[] { "ProgramId", "Key" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "BenefitActuals");

            migrationBuilder.DropTable(
                name: "GateCriteria");

            migrationBuilder.DropTable(
                name: "StageGates");

            migrationBuilder.DropColumn(
                name: "Phases",
                table: "Programs");

            migrationBuilder.DropColumn(
                name: "BaselineDate",
                table: "Benefits");

            migrationBuilder.DropColumn(
                name: "IsDisBenefit",
                table: "Benefits");

            migrationBuilder.DropColumn(
                name: "EvidenceJson",
                table: "Approvals");

            migrationBuilder.AlterColumn<string>(
                name: "Phase",
                table: "Programs",
                type: "character varying(40)",
                maxLength: 40,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(4000)",
                oldMaxLength: 4000);
        }
    }
}
