// SPDX-License-Identifier: MIT
pragma solidity ^0.8.27;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Capped} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Capped.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Payout} from "./ShareTypes.sol";

/// @title SmartShare (SSP)
/// @notice ERC-20 with 18 decimals and a hard cap of 10,000,000,000 SSP. Only accounts holding
/// MINTER_ROLE (the ShareMinter) can mint; DEFAULT_ADMIN_ROLE grants and revokes roles.
contract SSPToken is ERC20Capped, AccessControl {
    /// @notice Role allowed to mint (granted to the ShareMinter).
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    /// @notice The hard cap on the total supply: 10,000,000,000 SSP.
    uint256 public constant MAX_SUPPLY = 10_000_000_000 * 1e18;

    /// @notice The admin address given to the constructor was zero.
    error InvalidAdmin();
    /// @notice mintPayouts: the unit is above MAX_SUPPLY.
    error InvalidUnit(uint256 weiPerCredit);
    /// @notice mintPayouts: payout `index` is not a canonical (address, uint64) encoding.
    error InvalidPayout(uint256 index);

    // Storage slots of OpenZeppelin ERC20's private `_balances` and `_totalSupply` in this
    // contract's layout (checked by contracts/compile.js against solc's storageLayout output).
    uint256 private constant _BALANCES_SLOT = 0;
    uint256 private constant _TOTAL_SUPPLY_SLOT = 2;
    bytes32 private constant _TRANSFER_TOPIC = keccak256("Transfer(address,address,uint256)");

    /// @param admin receives DEFAULT_ADMIN_ROLE (it then grants MINTER_ROLE to the ShareMinter)
    constructor(address admin) ERC20("SmartShare", "SSP") ERC20Capped(MAX_SUPPLY) {
        if (admin == address(0)) revert InvalidAdmin();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @notice Mints `amount` wei of SSP to `to`.
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
    }

    /// @notice Mints `credit × weiPerCredit` to each payout's beneficiary, one Transfer event each,
    /// with one update of the total supply and one cap check for the whole batch. The caller
    /// (ShareMinter) has checked the payouts; this only mints them.
    /// @dev The loop writes ERC20's `_balances` and `_totalSupply` directly (slots 0 and 2 of
    /// this contract; compile.js refuses to build if the storage layout ever differs), so that a
    /// payout costs its balance write and its event and little else. Equivalent to calling
    /// `_mint(p.beneficiary, p.credit * weiPerCredit)` for each payout in order.
    function mintPayouts(Payout[] calldata payouts, uint256 weiPerCredit) external onlyRole(MINTER_ROLE) {
        // A larger unit could not mint even one micro-credit under the cap; the bound also keeps
        // every product below 2^158 and the batch total (under 2^64 payouts) below 2^222.
        if (weiPerCredit > MAX_SUPPLY) revert InvalidUnit(weiPerCredit);
        uint256 total;
        bytes32 transferTopic = _TRANSFER_TOPIC;
        bytes4 invalidPayout = InvalidPayout.selector;
        bytes4 invalidReceiver = ERC20InvalidReceiver.selector;
        assembly ("memory-safe") {
            let start := payouts.offset
            let end := add(start, shl(6, payouts.length))
            for { let p := start } lt(p, end) { p := add(p, 0x40) } {
                let to := calldataload(p)
                let credit := calldataload(add(p, 0x20))
                if or(shr(160, to), shr(64, credit)) {
                    mstore(0x00, invalidPayout)
                    mstore(0x04, shr(6, sub(p, start)))
                    revert(0x00, 0x24)
                }
                if iszero(to) {
                    mstore(0x00, invalidReceiver)
                    mstore(0x04, 0)
                    revert(0x00, 0x24)
                }
                let amount := mul(credit, weiPerCredit)
                total := add(total, amount)
                // _balances[to] += amount: cannot wrap, since the new balance is at most the new
                // total supply, which is checked against the cap below (else all reverts).
                mstore(0x00, to)
                mstore(0x20, _BALANCES_SLOT)
                let slot := keccak256(0x00, 0x40)
                sstore(slot, add(sload(slot), amount))
                mstore(0x00, amount)
                log3(0x00, 0x20, transferTopic, 0, to)
            }
        }
        uint256 supply = totalSupply() + total;
        uint256 maxSupply = cap();
        if (supply > maxSupply) revert ERC20ExceededCap(supply, maxSupply);
        assembly ("memory-safe") {
            sstore(_TOTAL_SUPPLY_SLOT, supply)
        }
    }
}
